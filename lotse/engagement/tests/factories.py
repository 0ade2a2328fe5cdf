"""Factories of the engagement module (Munich 80331 unless told otherwise)."""

import datetime

import factory
from django.utils import timezone

from lotse.core.choices import Topic
from lotse.engagement.choices import (
    ContactChannel,
    OpportunityKind,
    PatenschaftStatus,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
)
from lotse.engagement.models import (
    Application,
    HelpRequest,
    HelpRequestLanguage,
    HoursEntry,
    MatchingRun,
    Opportunity,
    OpportunityLanguage,
    Patenschaft,
    Proposal,
)
from lotse.regions.models import Postcode


def _munich():
    return Postcode.objects.get(code="80331")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    organisation = factory.SubFactory("lotse.organisations.tests.factories.OrganisationFactory")
    title = factory.Sequence(lambda n: f"Hausaufgabenhilfe {n}")
    description = "Wir suchen Ehrenamtliche für die Hausaufgabenhilfe am Nachmittag."
    topic = Topic.SCHOOL_CHILDCARE
    postcode = factory.LazyFunction(_munich)
    district = factory.LazyAttribute(lambda o: o.postcode.district)
    place_name = "Stadtteiltreff"
    kind = OpportunityKind.ONGOING
    places = 3
    contact_name = "Frau Beispiel"
    contact_email = "kontakt@verein.example"

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create:
            for code in extracted or ["de"]:
                OpportunityLanguage.objects.create(opportunity=self, language=code)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    opportunity = factory.SubFactory(OpportunityFactory)
    volunteer = factory.SubFactory("lotse.volunteers.tests.factories.VolunteerProfileFactory")
    message = "Ich habe dienstags Zeit."


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest
        skip_postgeneration_save = True

    postcode = factory.LazyFunction(_munich)
    district = factory.LazyAttribute(lambda o: o.postcode.district)
    first_name = factory.Sequence(lambda n: f"Amal{n}")
    contact_channel = ContactChannel.PHONE
    contact_value = "+49 151 2345678"
    topic = Topic.LANGUAGE_LEARNING
    needs = "Ich möchte Deutsch üben und Briefe verstehen."
    consent_version = "2026-1"
    consent_at = factory.LazyFunction(timezone.now)
    status = RequestStatus.OPEN

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create:
            for code in extracted or ["ar", "de"]:
                HelpRequestLanguage.objects.create(request=self, language=code)


class MatchingRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingRun

    district = factory.LazyFunction(lambda: _munich().district)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal sent to the volunteer (status proposed), answer due in 7 days."""

    class Meta:
        model = Proposal

    request = factory.SubFactory(HelpRequestFactory, status=RequestStatus.PROPOSED)
    volunteer = factory.SubFactory("lotse.volunteers.tests.factories.VolunteerProfileFactory")
    origin = ProposalOrigin.MANUAL
    status = ProposalStatus.PROPOSED
    score = 50.0
    proposed_at = factory.LazyFunction(timezone.now)
    respond_by = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class PatenschaftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patenschaft
        skip_postgeneration_save = True

    proposal = factory.SubFactory(ProposalFactory, status=ProposalStatus.CONFIRMED)
    request = factory.LazyAttribute(lambda o: o.proposal.request)
    volunteer = factory.LazyAttribute(lambda o: o.proposal.volunteer)
    district = factory.LazyAttribute(lambda o: o.proposal.request.district)
    status = PatenschaftStatus.ACTIVE
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    @factory.post_generation
    def mark_request_matched(self, create, extracted, **kwargs):
        if create:
            HelpRequest.objects.filter(pk=self.request_id).update(status=RequestStatus.MATCHED)


class HoursEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoursEntry

    patenschaft = factory.SubFactory(PatenschaftFactory)
    volunteer = factory.LazyAttribute(lambda o: o.patenschaft.volunteer)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2))
    hours = "2.00"
    activity = "Begleitung zum Bürgeramt"
