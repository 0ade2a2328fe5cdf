"""Views of the accounts module: thin wrappers around forms, services and selectors."""

from __future__ import annotations

import json
from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.core import ratelimit
from lotse.core.audit import audit_record

from . import services
from .forms import (
    EmailForm,
    LoginForm,
    LotsePasswordResetForm,
    LotseSetPasswordForm,
    MembershipAddForm,
    PasswordConfirmForm,
    RegistrationForm,
    RoleAssignForm,
    TwoFactorCodeForm,
    UserSearchForm,
)
from .models import RoleAssignment, User
from .roles import Role
from .selectors import (
    organisation_choices,
    user_can_manage_users,
    user_is_organisation_admin,
    user_is_staff,
    user_list,
    user_memberships,
    user_role_assignments,
    user_roles,
)

# Public forms that send mail: a few per hour and address are plenty for people, not for bots.
REGISTRATIONS_PER_HOUR = 10
RESENDS_PER_HOUR = 5
TOO_MANY_ATTEMPTS = gettext_lazy(
    "Too many attempts from your network in a short time. Please try again in an hour."
)

ViewFunction = Callable[..., HttpResponse]


def _url_or_none(name: str, *args: Any) -> str | None:
    """Reverse `name`, or None while the module that provides it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    return (
        settings.LOTSE_REQUIRE_2FA
        and user.is_authenticated
        # Right after login() the user object lacks django-otp's is_verified (unverified).
        and not getattr(user, "is_verified", lambda: False)()
        and user_is_staff(user=user)
    )


def _two_factor_url(next_url: str) -> str:
    return f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"


def verified_login_required(view: ViewFunction) -> ViewFunction:
    """Require login and, for staff, the second factor (these pages lie under /accounts/,
    which the two-factor middleware lets through)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _needs_second_factor(request):
            return redirect(_two_factor_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def platform_admin_required(view: ViewFunction) -> ViewFunction:
    """Only platform administrators; everybody else logged in gets 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_can_manage_users(user=request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return verified_login_required(wrapper)


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- registration and confirmation ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Register with e-mail, password and consent; the answer never reveals existing accounts."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and ratelimit.is_limited(
        request, "register", limit=REGISTRATIONS_PER_HOUR
    ):
        form.is_valid()
        form.add_error(None, TOO_MANY_ATTEMPTS)
        return render(request, "accounts/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        ratelimit.record(request, "register")
        services.user_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=get_language() or settings.LANGUAGE_CODE,
        )
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    hours = settings.LOTSE_CONFIRMATION_MAX_AGE_SECONDS // 3600
    return render(request, "accounts/register_done.html", {"hours": hours})


@require_GET
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm the address from the mailed link and log the person in."""
    try:
        user = services.confirmation_token_check(token=token)
    except services.ConfirmationError as error:
        message = (
            _("This confirmation link has expired. Please ask for a new one below.")
            if error.expired
            else _("This confirmation link is not valid. Please ask for a new one below.")
        )
        return render(
            request,
            "accounts/confirm_failed.html",
            {"message": message, "form": EmailForm()},
        )
    if not services.user_email_confirm(user=user):
        # The link was used before: it must not work as a long-lived login link.
        messages.info(request, _("Your e-mail address is already confirmed. Please log in."))
        return redirect("accounts:login")
    if not user.is_active:
        messages.info(request, _("Your e-mail address is confirmed."))
        return redirect("accounts:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, _("Thank you, your e-mail address is confirmed. Please complete your profile.")
    )
    return redirect(_url_or_none("volunteers:profile_edit") or reverse("accounts:dashboard"))


@require_http_methods(["GET", "POST"])
def confirm_resend(request: HttpRequest) -> HttpResponse:
    """Send a new confirmation link; the same answer for every address."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and ratelimit.is_limited(
        request, "confirm-resend", limit=RESENDS_PER_HOUR
    ):
        form.is_valid()
        form.add_error(None, TOO_MANY_ATTEMPTS)
        return render(request, "accounts/confirm_resend.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        ratelimit.record(request, "confirm-resend")
        services.confirmation_resend(email=form.cleaned_data["email"])
        return render(request, "accounts/confirm_resend_done.html")
    return render(request, "accounts/confirm_resend.html", {"form": form})


# --- login, logout, password reset ------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if _needs_second_factor(self.request):
            return _two_factor_url(url)
        return url


logout_view = require_POST(auth_views.LogoutView.as_view())

password_reset = auth_views.PasswordResetView.as_view(
    form_class=LotsePasswordResetForm,
    template_name="accounts/password_reset.html",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=LotseSetPasswordForm,
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# --- two-factor login ----------------------------------------------------------------------


def _qr_svg(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, light="#ffffff", title=_("QR code for your authenticator app")
    )
    # segno writes attributes only (no style="…"), which the CSP allows.
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own data


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up or verify the second factor (staff roles); explain it to everyone else."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _safe_next(request, reverse("accounts:dashboard"))
    if not user_is_staff(user=user):
        return render(request, "accounts/two_factor_not_needed.html", {"next_url": next_url})
    if user.is_verified():  # type: ignore[attr-defined]
        return render(request, "accounts/two_factor_done.html", {"next_url": next_url})
    if services.user_has_confirmed_device(user=user):
        return _two_factor_verify(request, user, next_url)
    return _two_factor_setup(request, user, next_url)


def _two_factor_setup(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    device = services.totp_device_for_setup(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            user=user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            django_otp.login(request, device)
            return render(
                request,
                "accounts/two_factor_backup_codes.html",
                {"codes": codes, "next_url": next_url},
            )
        form.add_error(
            "code",
            _(
                "The code is not correct. Please wait a few seconds and enter the current code "
                "from the app."
            ),
        )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next_url": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _two_factor_verify(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    form = TwoFactorCodeForm(request.POST or None, allow_backup_code=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        except services.TwoFactorThrottledError:
            form.add_error(
                "code",
                _("Too many wrong codes. Please wait a moment and then try again."),
            )
        else:
            if device is not None:
                django_otp.login(request, device)
                return redirect(next_url)
            form.add_error("code", _("The code is not correct. Please try again."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next_url": next_url})


# --- my area --------------------------------------------------------------------------------


@verified_login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """ "My area": what this person can do, by role."""
    user = request.user
    roles = user_roles(user=user)
    has_profile = hasattr(user, "volunteer_profile")
    context = {
        "has_profile": has_profile,
        "profile_url": _url_or_none(
            "volunteers:profile" if has_profile else "volunteers:profile_edit"
        ),
        "district_list_url": (
            _url_or_none("volunteers:district_list") if Role.COORDINATOR in roles else None
        ),
        "organisations_url": (
            _url_or_none("organisations:mine")
            if user.memberships.exists()  # type: ignore[union-attr]
            else None
        ),
        "is_organisation_admin": user_is_organisation_admin(user=user),
        "is_state_editor": Role.STATE_EDITOR in roles,
        "can_manage_users": user_can_manage_users(user=user),
        "role_assignments": user_role_assignments(user=user),
    }
    return render(request, "accounts/dashboard.html", context)


@verified_login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/my_data.html",
        {"privacy_version": settings.LOTSE_PRIVACY_NOTICE_VERSION},
    )


@verified_login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    """Download everything stored about the user as JSON (Art. 15 and 20 GDPR)."""
    data = services.user_data_export(user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="lotse-meine-daten.json"'
    response["Cache-Control"] = "no-store"
    return response


@verified_login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account after the password was entered again (Art. 17 GDPR)."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.user_delete(user=user, actor=user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("core:home")
    return render(request, "accounts/delete_account.html", {"form": form})


# --- platform administration ------------------------------------------------------------------


@platform_admin_required
@require_GET
def admin_user_list(request: HttpRequest) -> HttpResponse:
    """Platform admins: search and page through all users."""
    form = UserSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(user_list(user=request.user, search=search), 50).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page_obj": page, "search": search}
    if request.headers.get("HX-Request"):
        return render(request, "accounts/admin_user_list.html#results", context)
    return render(request, "accounts/admin_user_list.html", context)


def _admin_detail(
    request: HttpRequest,
    subject: User,
    *,
    role_form: RoleAssignForm | None = None,
    membership_form: MembershipAddForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    context = {
        "subject": subject,
        "role_assignments": list(
            RoleAssignment.objects.filter(user=subject)
            .select_related("district", "state")
            .order_by("role", "pk")
        ),
        "memberships": user_memberships(user=request.user, subject=subject),
        "role_form": role_form or RoleAssignForm(),
        "membership_form": membership_form
        or MembershipAddForm(organisation_choices=organisation_choices()),
        "errors": errors or [],
    }
    return render(request, "accounts/admin_user_detail.html", context)


@platform_admin_required
@require_GET
def admin_user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    audit_record(actor=request.user, action="accounts.user.viewed", obj=subject, subject=subject)
    return _admin_detail(request, subject)


def _add_validation_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


@require_POST
@platform_admin_required
def admin_role_assign(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    form = RoleAssignForm(request.POST)
    if form.is_valid():
        try:
            services.role_assign(
                actor=request.user,
                user=subject,
                role=form.cleaned_data["role"],
                district=form.cleaned_data["district"],
                state=form.cleaned_data["state"],
            )
        except ValidationError as error:
            _add_validation_errors(form, error)
        else:
            messages.success(request, _("The role has been assigned."))
            return redirect("accounts:admin_user_detail", pk=subject.pk)
    return _admin_detail(request, subject, role_form=form)


@require_POST
@platform_admin_required
def admin_role_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, user_id=pk)
    services.role_remove(actor=request.user, assignment=assignment)
    messages.success(request, _("The role has been removed."))
    return redirect("accounts:admin_user_detail", pk=pk)


@require_POST
@platform_admin_required
def admin_membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    form = MembershipAddForm(request.POST, organisation_choices=organisation_choices())
    if form.is_valid():
        try:
            services.membership_add(
                actor=request.user,
                user=subject,
                organisation_id=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _add_validation_errors(form, error)
        else:
            messages.success(request, _("The membership has been saved."))
            return redirect("accounts:admin_user_detail", pk=subject.pk)
    return _admin_detail(request, subject, membership_form=form)


@require_POST
@platform_admin_required
def admin_membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    membership = next(
        (m for m in user_memberships(user=request.user, subject=subject) if m.pk == membership_pk),
        None,
    )
    if membership is None:
        raise Http404
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("The membership has been removed."))
    return redirect("accounts:admin_user_detail", pk=subject.pk)


@require_POST
@platform_admin_required
def admin_user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=subject, active=active)
    except ValidationError as error:
        return _admin_detail(request, subject, errors=list(error.messages))
    if active:
        messages.success(request, _("The account has been activated."))
    else:
        messages.success(request, _("The account has been deactivated."))
    return redirect("accounts:admin_user_detail", pk=subject.pk)
