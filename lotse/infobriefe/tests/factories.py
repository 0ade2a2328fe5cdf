"""Factories of the Infobriefe (Bavaria unless told otherwise)."""

import factory
from django.utils import timezone

from lotse.infobriefe.choices import (
    AudienceLevel,
    DeliveryState,
    InfobriefStatus,
    SubscriptionSource,
    SubscriptionStatus,
)
from lotse.infobriefe.models import Delivery, Infobrief, InfobriefVersion, Subscription
from lotse.infobriefe.tokens import new_key
from lotse.regions.models import State


def _bavaria():
    return State.objects.get(code="BY")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"leser{n}@example.org")
    language = "de"
    state = factory.LazyFunction(_bavaria)
    whole_state = True
    topics_mask = 0
    status = SubscriptionStatus.ACTIVE
    source = SubscriptionSource.FORM
    confirmed_at = factory.LazyFunction(timezone.now)
    key = factory.LazyFunction(new_key)

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.whole_state = False
            self.save(update_fields=["whole_state"])
            self.districts.set(extracted)


class InfobriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Infobrief
        skip_postgeneration_save = True

    state = factory.LazyFunction(_bavaria)
    sender_name = "Redaktion Integration"
    level = AudienceLevel.STATE
    status = InfobriefStatus.DRAFT

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


class InfobriefVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfobriefVersion

    infobrief = factory.SubFactory(InfobriefFactory)
    language = "de"
    subject = factory.Sequence(lambda n: f"Infobrief {n}: Neues zu Asyl und Integration")
    body = "## Neuregelungen\n\nDie **Beratung** findet ab sofort auch online statt.\n"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    infobrief = factory.SubFactory(InfobriefFactory)
    subscription = factory.SubFactory(SubscriptionFactory)
    state = DeliveryState.PENDING
