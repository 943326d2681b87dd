"""Form fields shared by several capabilities."""

from django import forms
from django.utils.translation import gettext_lazy, ngettext

from commons.lib.geo import countries_typed, country_name


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


class CountriesField(forms.CharField):
    """Countries typed as ISO codes or names (English or the reader's language),
    separated by commas: ``TH, KH, Myanmar``; kept as alpha-2 codes."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Countries"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy("ISO codes or names separated by commas, such as “TH, KH, Myanmar”."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(country_name(code) for code in value)
        return value

    def to_python(self, value) -> list[str]:
        codes, unknown = countries_typed(super().to_python(value) or "")
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "This is not a country we know: %(names)s.",
                    "These are not countries we know: %(names)s.",
                    len(unknown),
                )
                % {"names": ", ".join(unknown)}
            )
        return codes


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
