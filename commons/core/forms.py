"""Form fields shared by several capabilities."""

from django import forms
from django.utils.translation import ngettext


class LinesField(forms.CharField):
    """A list typed one item per line (or separated by commas): short names, addresses."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def organisations_named(slugs: list[str]) -> list:
    """The organisations with these short names, in the order given; a ValidationError
    names those that do not exist."""
    from commons.accounts.models import Organisation

    found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise forms.ValidationError(
            ngettext(
                "No organisation has the short name %(names)s.",
                "No organisation has these short names: %(names)s.",
                len(missing),
            )
            % {"names": ", ".join(missing)}
        )
    return list(dict.fromkeys(found[slug] for slug in slugs))
