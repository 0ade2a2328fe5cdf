"""Public pages of the site: home, legal pages, accessibility feedback, dev outbox."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import AccessibilityFeedbackForm
from .mail import outbox_message, outbox_messages
from .services import mail_enqueue


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "core/imprint.html")


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/privacy.html", {"privacy_version": settings.LOTSE_PRIVACY_NOTICE_VERSION}
    )


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


FEEDBACK_LIMIT_PER_HOUR = 10


@require_http_methods(["GET", "POST"])
def accessibility_feedback(request: HttpRequest) -> HttpResponse:
    """Let anyone report a barrier; the operator's accessibility contact gets it by mail."""
    form = AccessibilityFeedbackForm(
        request.POST or None, initial={"page": request.GET.get("page", "")}
    )
    if request.method == "POST" and form.is_valid():
        key = f"a11y-feedback:{request.META.get('REMOTE_ADDR', '')}"
        count = cache.get_or_set(key, 0, 3600) or 0
        if count >= FEEDBACK_LIMIT_PER_HOUR:
            form.add_error(None, _("Too many messages. Please try again in an hour."))
        else:
            cache.incr(key)
            mail_enqueue(
                to=settings.LOTSE_OPERATOR["accessibility_email"],
                template="core/email/accessibility_feedback",
                context=form.cleaned_data,
                language=settings.LANGUAGE_CODE,
            )
            messages.success(request, _("Thank you. Your message has been sent."))
            return redirect("core:accessibility")
    return render(request, "core/accessibility_feedback.html", {"form": form})


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """List the mails written to the development outbox (DEBUG only)."""
    _require_debug()
    return render(request, "core/outbox.html", {"mails": outbox_messages()})


@require_GET
def outbox_detail(request: HttpRequest, name: str) -> HttpResponse:
    _require_debug()
    message = outbox_message(name)
    if message is None:
        raise Http404
    return render(request, "core/outbox_detail.html", {"mail": message})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an expired or forged form in the site's language instead of Django's page."""
    return render(request, "core/csrf_failure.html", status=403)
