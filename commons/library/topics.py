"""The library's topics: one vocabulary shared with the directory's forms of exploitation
and the forums' themes, so that a resource, an organisation and a recommendation about
the same thing meet under the same code."""

from commons.directory.vocabularies import Exploitation


def topic_choices() -> list[tuple[str, str]]:
    """(code, label) of every topic: the forms of exploitation, then the themes."""
    from commons.events.models import Theme

    themes = [(theme.code, theme.label) for theme in Theme.objects.all()]
    return [*Exploitation.choices, *sorted(themes, key=lambda choice: str(choice[1]))]


def topic_label(code: str) -> str:
    from commons.events.models import Theme

    if code in Exploitation.values:
        return str(Exploitation(code).label)
    if code in Theme.CURATED:
        return str(Theme.CURATED[code])
    theme = Theme.objects.filter(code=code).first()
    return theme.label if theme else code
