import factory

from lotse.core.availability import mask_from_cells
from lotse.core.choices import LanguageLevel, Topic
from lotse.regions.models import Postcode
from lotse.volunteers.models import VolunteerLanguage, VolunteerProfile, VolunteerTopic


class VolunteerProfileFactory(factory.django.DjangoModelFactory):
    """A volunteer in Munich (80331) unless a postcode is given."""

    class Meta:
        model = VolunteerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory("lotse.accounts.tests.factories.UserFactory")
    postcode = factory.LazyFunction(lambda: Postcode.objects.get(code="80331"))
    district = factory.LazyAttribute(lambda o: o.postcode.district)
    travel_radius_km = 10
    skills = "Kochen, Radfahren"
    availability = factory.LazyFunction(lambda: mask_from_cells([(1, 2), (5, 0)]))

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if not create:
            return
        for code, level in extracted or [("de", LanguageLevel.NATIVE)]:
            VolunteerLanguage.objects.create(volunteer=self, language=code, level=level)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if not create:
            return
        for topic in extracted or [Topic.LANGUAGE_LEARNING]:
            VolunteerTopic.objects.create(volunteer=self, topic=topic)
