"""Forms of the proposal workflow (answers of volunteers, coordinators and newcomers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lotse.core.form_rendering import KernFormMixin
from lotse.core.validators import validate_plain_text

from ..services.proposals import MAX_REASON, MAX_VOLUNTEER_CONTACT


class ProposalAcceptForm(KernFormMixin, forms.Form):
    volunteer_contact = forms.CharField(
        label=_("How can the newcomer reach you?"),
        max_length=MAX_VOLUNTEER_CONTACT,
        validators=[validate_plain_text],
        help_text=_(
            "For example your phone number or e-mail address. The newcomer sees it only after "
            "they have agreed."
        ),
        error_messages={"required": _("Please tell us how the newcomer can reach you.")},
    )


class ProposalDeclineForm(KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
        help_text=_("Only your coordinators see this."),
    )


class ProposalRejectForm(KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why does this suggestion not fit?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
        error_messages={"required": _("Please give a reason.")},
    )


class NewcomerRefuseForm(KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Would you like to tell us why? (You do not have to.)"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
    )
