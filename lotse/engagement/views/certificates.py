"""HTML views of the Engagementnachweis: the volunteer's certificates, the PDF, and the public
verification. (Owned by the Patenschaften area.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.certificates import CertificateIssueForm, CertificateVerifyForm
from ..selectors.certificates import (
    certificate_find_valid,
    certificate_get_own,
    certificates_own,
)
from ..selectors.hours import volunteer_profile_of
from ..services.certificates import (
    certificate_download,
    certificate_issue,
    certificate_revoke,
    certificate_verify_url,
)
from .patenschaften import apply_service_errors

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def certificate_list(request: HttpRequest) -> HttpResponse:
    """The volunteer's certificates and the form to issue a new one."""
    volunteer = volunteer_profile_of(user=request.user)
    form = None
    if volunteer is not None:
        language = (get_language() or "de").split("-")[0]
        form = CertificateIssueForm(request.POST or None, initial={"language": language})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                certificate = certificate_issue(
                    actor=request.user,
                    volunteer=volunteer,
                    period_start=data.get("period_start"),
                    period_end=data.get("period_end"),
                    language=data["language"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your Engagementnachweis %(code)s is ready to download.")
                    % {"code": certificate.code},
                )
                return redirect("engagement:certificate_list")
    elif request.method == "POST":
        raise Http404
    page = Paginator(certificates_own(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "engagement/certificates/list.html", {"form": form, "page_obj": page})


@never_cache
@login_required
@require_GET
def certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Download an own, valid certificate as PDF."""
    certificate = certificate_get_own(user=request.user, pk=pk)
    if certificate.revoked_at is not None:
        raise Http404
    try:
        pdf = certificate_download(actor=request.user, certificate=certificate)
    except PermissionDenied as error:
        raise Http404 from error
    filename = f"Engagementnachweis-{certificate.code}.pdf"
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke an own certificate (GET asks to confirm): its code no longer verifies."""
    certificate = certificate_get_own(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "engagement/certificates/revoke.html", {"certificate": certificate})
    try:
        certificate_revoke(actor=request.user, certificate=certificate)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The certificate %(code)s has been revoked.") % {"code": certificate.code},
        )
    return redirect("engagement:certificate_list")


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Public: enter the code printed on a certificate."""
    form = CertificateVerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("engagement:certificate_verify_code", code=form.cleaned_data["code"])
    return _public(render(request, "engagement/certificates/verify.html", {"form": form}))


@require_GET
def certificate_verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what a genuine certificate states (holder, issuer, date, period, total hours);
    404 for unknown or revoked codes."""
    certificate = certificate_find_valid(code=code)
    if certificate is None:
        form = CertificateVerifyForm(initial={"code": code[:40]})
        return _public(
            render(
                request,
                "engagement/certificates/verify_not_found.html",
                {"form": form, "code": code[:40]},
                status=404,
            )
        )
    if certificate.code != code:
        return redirect("engagement:certificate_verify_code", code=certificate.code)
    return _public(
        render(
            request,
            "engagement/certificates/verify_result.html",
            {"certificate": certificate, "verify_url": certificate_verify_url(certificate)},
        )
    )
