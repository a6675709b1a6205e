"""Filters for rendering allauth's forms with GOV.UK Frontend classes."""

from django import template

register = template.Library()

WIDTHS = {"code": "govuk-input--width-10"}


@register.filter
def widget_type(field) -> str:
    return field.field.widget.__class__.__name__.lower().removesuffix("input")


@register.filter
def add_class(field, css: str):
    """The field's widget with GOV.UK classes, an error modifier and its hint and error described."""
    attrs = dict(field.field.widget.attrs)
    classes = [css]
    if css == "govuk-input":
        if field.errors:
            classes.append("govuk-input--error")
        if field.name in WIDTHS:
            classes.append(WIDTHS[field.name])
    described = [f"{field.id_for_label}-hint"] if field.help_text else []
    described += [f"{field.id_for_label}-error"] if field.errors else []
    attrs["class"] = " ".join(classes)
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs.pop("placeholder", None)
    return field.as_widget(attrs=attrs)
