"""Arbitrary input in every field of the profile form never causes a server error."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lotse.accounts.tests.factories import UserFactory
from lotse.core.models import AuditEvent
from lotse.volunteers.models import VolunteerLanguage, VolunteerProfile

pytestmark = pytest.mark.django_db

# Text without NUL and lone surrogates: browsers cannot send them (no UTF-8 exists for a lone
# surrogate) and Django's test client refuses them.
text = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
    max_size=60,
)
value = st.one_of(text, st.integers(min_value=-(10**12), max_value=10**12).map(str))
values = st.lists(value, max_size=4)


@hypothesis_settings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first_name=value,
    last_name=value,
    postcode=st.one_of(value, st.sampled_from(["80331", "90402", "00000"])),
    travel_radius_km=st.one_of(value, st.sampled_from(["10", "20"])),
    max_patenschaften=st.one_of(value, st.sampled_from(["1", "3"])),
    district=value,
    skills=value,
    status=st.one_of(value, st.just("active")),
    topics=st.one_of(values, st.just(["health"])),
    roles=values,
    availability=st.one_of(values, st.just(["1-2"])),
    total_forms=st.one_of(value, st.just("1")),
    initial_forms=value,
    language=st.one_of(value, st.sampled_from(["de", "ar"])),
    level=st.one_of(value, st.just("good")),
    add_language=st.booleans(),
)
def test_profile_form_never_fails(
    first_name,
    last_name,
    postcode,
    travel_radius_km,
    max_patenschaften,
    district,
    skills,
    status,
    topics,
    roles,
    availability,
    total_forms,
    initial_forms,
    language,
    level,
    add_language,
):
    user = UserFactory(first_name="Vorher", last_name="Nachher")
    client = Client()
    client.force_login(user)
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "postcode": postcode,
        "travel_radius_km": travel_radius_km,
        "max_patenschaften": max_patenschaften,
        "district": district,
        "skills": skills,
        "status": status,
        "topics": topics,
        "roles": roles,
        "availability": availability,
        "languages-TOTAL_FORMS": total_forms,
        "languages-INITIAL_FORMS": initial_forms,
        "languages-0-language": language,
        "languages-0-level": level,
    }
    if add_language:
        data["add_language"] = "1"
    profiles_before = VolunteerProfile.objects.count()
    languages_before = VolunteerLanguage.objects.count()
    events_before = AuditEvent.objects.count()

    response = client.post(reverse("volunteers:profile_edit"), data)

    assert response.status_code in (200, 302)
    user.refresh_from_db()
    if response.status_code == 200:
        # Not saved: nothing changed.
        assert VolunteerProfile.objects.count() == profiles_before
        assert VolunteerLanguage.objects.count() == languages_before
        assert AuditEvent.objects.count() == events_before
        assert (user.first_name, user.last_name) == ("Vorher", "Nachher")
    else:
        assert response["Location"] == reverse("volunteers:profile")
        profile = VolunteerProfile.objects.get(user=user)
        assert profile.languages.count() >= 1
        assert profile.topics.count() >= 1
