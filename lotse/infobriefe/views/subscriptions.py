"""HTML views of the subscriptions: the public form and its confirmation link, one click for
registered volunteers, and the manage and unsubscribe pages behind the signed links of every
mail (no login: the link is the authorisation; a forged or outdated link is a 404).

Nothing here reveals whether an address is subscribed: the form and "send me my link" give
every address the same answer. Pages behind a secret link are never cached, never indexed and
send no referrer to other sites; they speak the subscriber's language unless the visitor chose
one with the language switch.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.core import ratelimit
from lotse.core.choices import Topic

from ..choices import SubscriptionStatus, WithdrawalChannel, mask_to_topics
from ..forms.subscriptions import (
    PreferencesForm,
    RequestLinkForm,
    ResubscribeForm,
    SubscribeForm,
)
from ..models import Subscription
from ..selectors.subscriptions import subscription_by_link, subscription_request_by_secret
from ..services import subscriptions as services

# Public forms that send mail: per client address and per e-mail address and hour.
SUBSCRIBE_SCOPE = "infobrief-subscribe"
LINK_SCOPE = "infobrief-link"
PER_CLIENT_PER_HOUR = 10
PER_ADDRESS_PER_HOUR = 3
# RFC 8058: the body a mail program POSTs to the List-Unsubscribe address.
ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"

DISTRICTS_PARTIAL = "infobriefe/subscriptions/_preferences.html#districts"


# --- helpers ---------------------------------------------------------------------------------


def apply_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (unknown fields as form errors)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_errors in error.message_dict.items():
        target = field if field in form.fields else None
        for message in field_errors:
            form.add_error(target, message)


def _private(response: HttpResponse) -> HttpResponse:
    """Pages behind a secret link: not indexed, no referrer to other sites (see engagement's
    status page for why not "no-referrer")."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page_language(request: HttpRequest, language: str) -> str:
    """The subscriber's language, unless the visitor chose one with the language switch."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language() or settings.LANGUAGE_CODE
    return language or settings.LANGUAGE_CODE


def _active_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _address_key(email: str) -> str:
    """The rate-limit subject of an address (hashed: no addresses in the cache keys)."""
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _rate_limited(request: HttpRequest, scope: str, email: str) -> bool:
    return ratelimit.is_limited(request, scope, limit=PER_CLIENT_PER_HOUR) or ratelimit.is_limited(
        request, f"{scope}-address", limit=PER_ADDRESS_PER_HOUR, subject=_address_key(email)
    )


def _rate_record(request: HttpRequest, scope: str, email: str) -> None:
    ratelimit.record(request, scope)
    ratelimit.record(request, f"{scope}-address", subject=_address_key(email))


def _rate_limit_message() -> str:
    return _(
        "You have sent this form several times in a short time. Please check your mailbox "
        "(and the spam folder) and try again in an hour."
    )


def _is_districts_refresh(request: HttpRequest) -> bool:
    """An htmx request for the district list of another Land."""
    return (
        request.method == "GET"
        and bool(request.headers.get("HX-Request"))
        and "state" in request.GET
    )


def _invalid_link(request: HttpRequest) -> HttpResponse:
    """404 for an unknown, forged, used or outdated link, with what to do next."""
    return _private(render(request, "infobriefe/subscriptions/link_invalid.html", status=404))


# --- the public form -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """The public form. Every valid submission gets the same answer (no enumeration)."""
    districts_url = reverse("infobriefe:subscribe")
    if _is_districts_refresh(request):
        form = SubscribeForm(
            initial={"state": request.GET.get("state")}, districts_url=districts_url
        )
        return render(request, DISTRICTS_PARTIAL, {"form": form, "announce_state": True})
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST, districts_url=districts_url)
        if form.is_spam():
            # Bots get the same answer as people, and nothing is stored.
            return redirect("infobriefe:subscribe_sent")
        if form.is_valid():
            email = form.cleaned_data["email"]
            if _rate_limited(request, SUBSCRIBE_SCOPE, email):
                form.add_error(None, _rate_limit_message())
                status = 429
            else:
                _rate_record(request, SUBSCRIBE_SCOPE, email)
                try:
                    services.subscription_request_create(
                        email=email,
                        consent_language=_active_language(),
                        **form.preferences(),
                    )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    return redirect("infobriefe:subscribe_sent")
    else:
        form = SubscribeForm(
            initial={"language": _active_language(), "state": request.GET.get("state")},
            districts_url=districts_url,
        )
    return render(request, "infobriefe/subscriptions/subscribe.html", {"form": form}, status=status)


@never_cache
@require_GET
def subscribe_sent(request: HttpRequest) -> HttpResponse:
    """ "Please check your mail" – the same page for every address."""
    return render(
        request,
        "infobriefe/subscriptions/sent.html",
        {"hours": settings.LOTSE_INFOBRIEF_CONFIRM_HOURS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link: GET shows a button (mail scanners follow links), POST
    subscribes. Unknown or used links are 404, expired ones 410."""
    pending = subscription_request_by_secret(secret=token)
    if pending is None:
        return _invalid_link(request)
    with translation.override(_page_language(request, pending.language)):
        if pending.expires_at <= timezone.now():
            return _expired(request)
        if request.method == "POST":
            try:
                subscription = services.subscription_confirm(secret=token)
            except services.ConfirmationLinkError as error:
                return _expired(request) if error.expired else _invalid_link(request)
            context = {
                "subscription": subscription,
                "manage_url": services.manage_path(subscription),
            }
            return _private(render(request, "infobriefe/subscriptions/confirm_done.html", context))
        return _private(
            render(request, "infobriefe/subscriptions/confirm.html", {"pending": pending})
        )


def _expired(request: HttpRequest) -> HttpResponse:
    return _private(
        render(
            request,
            "infobriefe/subscriptions/confirm_expired.html",
            {"hours": settings.LOTSE_INFOBRIEF_CONFIRM_HOURS},
            status=410,
        )
    )


# --- registered volunteers -------------------------------------------------------------------


@login_required
@require_POST
def subscribe_account(request: HttpRequest) -> HttpResponse:
    """One click: subscribe the account's confirmed address, then show its manage page."""
    user: Any = request.user
    language = getattr(user, "preferred_language", "") or _active_language()
    try:
        subscription = services.subscription_subscribe_account(
            actor=user, language=language, consent_language=_active_language()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("infobriefe:subscribe")
    messages.success(
        request,
        _(
            "You have subscribed to the Infobriefe with %(email)s. Here you can choose what you "
            "receive."
        )
        % {"email": subscription.email},
    )
    return redirect(services.manage_path(subscription))


# --- signed links ----------------------------------------------------------------------------


def _manage_context(
    subscription: Subscription, form: PreferencesForm, resubscribe_form: ResubscribeForm
) -> dict[str, Any]:
    return {
        "subscription": subscription,
        "active": subscription.status == SubscriptionStatus.ACTIVE,
        "form": form,
        "resubscribe_form": resubscribe_form,
        "district_names": [district.name for district in subscription.districts.all()],
        "topics": [str(Topic(code).label) for code in mask_to_topics(subscription.topics_mask)],
        "retention_days": settings.LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """Preferences (language, area, topics), unsubscribe, and subscribe again."""
    linked = subscription_by_link(token=token, purpose="manage")
    if linked is None:
        return _invalid_link(request)
    subscription = linked.subscription
    districts_url = request.path
    with translation.override(_page_language(request, subscription.language)):
        if _is_districts_refresh(request):
            form = PreferencesForm(
                initial={"state": request.GET.get("state")}, districts_url=districts_url
            )
            return _private(
                render(request, DISTRICTS_PARTIAL, {"form": form, "announce_state": True})
            )
        action = request.POST.get("action", "") if request.method == "POST" else ""
        form = PreferencesForm(
            initial=PreferencesForm.initial_for(subscription), districts_url=districts_url
        )
        resubscribe_form = ResubscribeForm()
        if action == "unsubscribe":
            services.subscription_unsubscribe(
                actor=request.user,
                subscription=subscription,
                channel=WithdrawalChannel.LINK,
                infobrief_id=linked.infobrief_id,
                language=_active_language(),
            )
            messages.success(
                request, _("You have unsubscribed. You will receive no more Infobriefe.")
            )
            return redirect(request.path)
        elif action == "resubscribe":
            resubscribe_form = ResubscribeForm(request.POST)
            if resubscribe_form.is_valid():
                services.subscription_resubscribe(
                    actor=request.user,
                    subscription=subscription,
                    consent_language=_active_language(),
                )
                messages.success(request, _("Welcome back! You receive the Infobriefe again."))
                return redirect(request.path)
        elif action == "save":
            form = PreferencesForm(request.POST, districts_url=districts_url)
            if form.is_valid():
                try:
                    changed = services.subscription_update_preferences(
                        actor=request.user,
                        subscription=subscription,
                        consent_language=_active_language(),
                        **form.preferences(),
                    )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("Your preferences have been saved.")
                        if changed
                        else _("Nothing has changed."),
                    )
                    return redirect(request.path)
        elif request.method == "POST":
            messages.error(request, _("Please use one of the buttons on this page."))
            return redirect(request.path)
        context = _manage_context(subscription, form, resubscribe_form)
        response = render(request, "infobriefe/subscriptions/manage.html", context)
    return _private(response)


@csrf_exempt  # RFC 8058: mail programs POST without a CSRF token; the signed link authorises.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button (link scanners must not unsubscribe). POST: unsubscribe;
    `List-Unsubscribe=One-Click` (RFC 8058, from the mail program) gets a short 200."""
    linked = subscription_by_link(token=token, purpose="unsubscribe")
    if linked is None:
        return _invalid_link(request)
    subscription = linked.subscription
    if request.method == "POST" and request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE:
        services.subscription_unsubscribe(
            actor=request.user,
            subscription=subscription,
            channel=WithdrawalChannel.ONE_CLICK,
            infobrief_id=linked.infobrief_id,
        )
        with translation.override(subscription.language):
            text = _("You have unsubscribed. You will receive no more Infobriefe.")
        return _private(HttpResponse(text, content_type="text/plain; charset=utf-8"))
    with translation.override(_page_language(request, subscription.language)):
        if request.method == "POST":
            services.subscription_unsubscribe(
                actor=request.user,
                subscription=subscription,
                channel=WithdrawalChannel.LINK,
                infobrief_id=linked.infobrief_id,
                language=_active_language(),
            )
            return redirect(request.path)
        context = {
            "subscription": subscription,
            "active": subscription.status == SubscriptionStatus.ACTIVE,
            "manage_url": services.manage_path(subscription, infobrief_id=linked.infobrief_id),
        }
        response = render(request, "infobriefe/subscriptions/unsubscribe.html", context)
    return _private(response)


@never_cache
@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    """ "Send me the link to my subscription": the same answer for every address."""
    form = RequestLinkForm(request.POST if request.method == "POST" else None)
    status = 200
    sent_message = _(
        "If this address is subscribed to the Infobriefe, we have sent it an e-mail with the "
        "link to its subscription. Please also check your spam folder."
    )
    if request.method == "POST":
        if form.is_spam():
            messages.success(request, sent_message)
            return redirect("infobriefe:request_link")
        if form.is_valid():
            email = form.cleaned_data["email"]
            if _rate_limited(request, LINK_SCOPE, email):
                form.add_error(None, _rate_limit_message())
                status = 429
            else:
                _rate_record(request, LINK_SCOPE, email)
                services.subscription_manage_link_send(email=email)
                messages.success(request, sent_message)
                return redirect("infobriefe:request_link")
    return render(
        request, "infobriefe/subscriptions/request_link.html", {"form": form}, status=status
    )
