"""Forms of the accounts module (all rendered in KERN markup through KernFormMixin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lotse.core.form_rendering import KernFormMixin
from lotse.regions.models import District, State

from .models import User
from .roles import Role

EMAIL_LABEL = _("E-mail address")
EMAIL_ERRORS = {"invalid": _("Please enter a valid e-mail address, for example name@example.org.")}


class RegistrationForm(KernFormMixin, forms.Form):
    """E-mail address, password twice and the consent to the privacy notice."""

    email = forms.EmailField(
        label=EMAIL_LABEL,
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters. Do not use a password that is easy to guess or only digits."
        ),
    )
    password2 = forms.CharField(
        label=_("Repeat password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        required=True,
        error_messages={
            "required": _("Please confirm that you have read the privacy notice and agree to it.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = format_html(
            '<a class="kern-link" href="{}">{}</a>',
            reverse("core:privacy"),
            _("Read the privacy notice"),
        )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(email=cleaned.get("email") or "")
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailForm(KernFormMixin, forms.Form):
    """One e-mail address (resending the confirmation link)."""

    email = forms.EmailField(
        label=EMAIL_LABEL,
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class LoginForm(KernFormMixin, AuthenticationForm):
    """E-mail address and password; unconfirmed addresses cannot log in.

    The field keeps the name `username` (django-axes reads it).
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or the password is not correct. Please try again."),
        "email_unconfirmed": _(
            "Please confirm your e-mail address first: open the link in the e-mail we sent you."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = EMAIL_LABEL
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "maxlength": 254}
        )
        self.email_unconfirmed = False

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.email_confirmed_at is None:
            self.email_unconfirmed = True
            raise forms.ValidationError(
                self.error_messages["email_unconfirmed"], code="email_unconfirmed"
            )


class LotsePasswordResetForm(KernFormMixin, PasswordResetForm):
    """Password reset by e-mail; the mail is queued like every other mail of the project."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = EMAIL_LABEL

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.conf import settings

        from lotse.core.services import mail_enqueue

        user = context["user"]
        link = settings.SITE_URL + reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        mail_enqueue(
            to=to_email,
            template="accounts/email/password_reset",
            context={"reset_url": link},
            language=user.preferred_language,
        )


class LotseSetPasswordForm(KernFormMixin, SetPasswordForm):
    """New password after a reset; also confirms the address (the link reached its owner)."""

    def save(self, commit: bool = True) -> Any:
        from .services import user_email_confirm

        user = super().save(commit=commit)
        if commit:
            user_email_confirm(user=user)
        return user


class TwoFactorCodeForm(KernFormMixin, forms.Form):
    """A six-digit code from the authenticator app (or a backup code when verifying)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, allow_backup_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allow_backup_code:
            self.fields["code"].label = _("Code from the app or a backup code")
            self.fields["code"].widget.attrs["inputmode"] = "text"
        else:
            self.fields["code"].label = _("Six-digit code from the app")


class PasswordConfirmForm(KernFormMixin, forms.Form):
    """Ask for the current password before an irreversible step."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return str(password)


class UserSearchForm(KernFormMixin, forms.Form):
    q = forms.CharField(label=_("E-mail address or name"), max_length=100, required=False)


class RoleAssignForm(KernFormMixin, forms.Form):
    """A role, with a district (coordinators) or a Land (state editors)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    district = forms.ModelChoiceField(
        label=_("District (for coordinators)"),
        queryset=District.objects.order_by("name"),
        required=False,
    )
    state = forms.ModelChoiceField(
        label=_("State (for state editors)"),
        queryset=State.objects.order_by("name"),
        required=False,
    )


class MembershipAddForm(KernFormMixin, forms.Form):
    """An organisation and the role in it."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    role = forms.ChoiceField(
        label=_("Role in the organisation"),
        choices=[("member", _("Member")), ("admin", _("Administrator"))],
    )

    def __init__(self, *args: Any, organisation_choices: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *organisation_choices]
