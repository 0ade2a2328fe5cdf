"""Matrix rows of the Infobriefe subscriptions.

The public pages are open to everybody. The confirmation, manage and unsubscribe pages are
opened by their secret link alone (no login: a subscriber needs no account), so every actor
holding a valid link gets the page (GET changes nothing); forged links are 404 (see
test_subscriptions_views). One click from the account is POST only.

world.extra: "infobrief_subscription" (an active subscription), "infobrief_confirm_secret"
(the secret of a pending confirmation link), "infobrief_manage_token" and
"infobrief_unsubscribe_token" (signed links of the subscription).
"""

from lotse.core.tests.matrix import UrlRow, World, everyone, logged_in


def _confirm(world: World) -> dict[str, str]:
    return {"token": world.extra["infobrief_confirm_secret"]}


def _manage(world: World) -> dict[str, str]:
    return {"token": world.extra["infobrief_manage_token"]}


def _unsubscribe(world: World) -> dict[str, str]:
    return {"token": world.extra["infobrief_unsubscribe_token"]}


ROWS = [
    UrlRow("infobriefe:subscribe", everyone()),
    UrlRow("infobriefe:subscribe_sent", everyone()),
    UrlRow("infobriefe:request_link", everyone()),
    # POST only; anonymous visitors are sent to the login page first.
    UrlRow("infobriefe:subscribe_account", logged_in(405)),
    UrlRow("infobriefe:confirm", everyone(), kwargs=_confirm),
    UrlRow("infobriefe:manage", everyone(), kwargs=_manage),
    UrlRow("infobriefe:unsubscribe", everyone(), kwargs=_unsubscribe),
]


def extend_world(world: World) -> None:
    """An active subscription with its signed links, and a pending confirmation link."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from lotse.infobriefe import tokens
    from lotse.infobriefe.models import SubscriptionRequest
    from lotse.infobriefe.tests.factories import SubscriptionFactory

    subscription = SubscriptionFactory(email="matrix-reader@example.org", language="en")
    secret = tokens.new_secret()
    SubscriptionRequest.objects.create(
        email="matrix-new-reader@example.org",
        language="en",
        state=subscription.state,
        token_hash=tokens.hash_secret(secret),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
        consent_version=settings.LOTSE_INFOBRIEF_CONSENT_VERSION,
        consent_language="en",
    )
    world.extra["infobrief_subscription"] = subscription
    world.extra["infobrief_confirm_secret"] = secret
    for purpose in ("manage", "unsubscribe"):
        world.extra[f"infobrief_{purpose}_token"] = tokens.make_link_token(
            purpose=purpose, subscription_id=subscription.pk, key=subscription.key
        )
