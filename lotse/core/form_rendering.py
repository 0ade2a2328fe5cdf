"""Render every form of the project in KERN markup, accessibly, without per-form templates.

`KernFormRenderer` selects our templates; `KernBoundField` adds the KERN classes and links
errors and hints to the input with aria-describedby.
"""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

_INPUT_CLASS = {
    "select": "kern-form-input__select",
    "selectmultiple": "kern-form-input__select",
    "checkbox": "kern-form-check__checkbox",
    "checkboxselectmultiple": "kern-form-check__checkbox",
    "radioselect": "kern-form-check__radio",
}


class KernFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class KernBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        widget_type = widget.__class__.__name__.lower().removesuffix("input").removesuffix("widget")
        css = _INPUT_CLASS.get(self.widget_type, "kern-form-input__input")
        if self.errors:
            css += f" {css}--error"
        existing = attrs.get("class", "")
        attrs["class"] = f"{existing} {css}".strip()
        described = [self.auto_id + "_hint"] if self.help_text and self.auto_id else []
        if self.errors and self.auto_id:
            described.append(self.auto_id + "_error")
            attrs["aria-invalid"] = "true"
        if described and widget_type not in ("checkboxselectmultiple", "radioselect"):
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class KernFormMixin:
    """Mixin for every project form: KERN-classed, accessible bound fields."""

    bound_field_class: type[forms.BoundField] | None = KernBoundField
