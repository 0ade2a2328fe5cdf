import factory

from lotse.organisations.choices import MembershipRole, OrganisationKind
from lotse.organisations.models import Membership, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Verein Miteinander {n}")
    slug = factory.Sequence(lambda n: f"verein-miteinander-{n}")
    kind = OrganisationKind.MIGRANT_ORGANISATION
    description = "Wir begleiten neu Zugewanderte im Alltag."
    contact_email = factory.Sequence(lambda n: f"kontakt{n}@verein.example")

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory("lotse.accounts.tests.factories.UserFactory")
    role = MembershipRole.MEMBER
