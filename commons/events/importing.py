"""Forum outcomes from a table (CSV or XLSX), as organisers type them in a spreadsheet.

Columns (names are case-insensitive; only ``text`` or ``title`` is required):

- ``kind``: ``recommendation`` (the default) or ``priority``;
- ``region``: a code (``asia-pacific``) or its English name; the event's region when
  blank;
- ``audience``: a code (``legal-field``) or its English name, for recommendations;
- ``audience_country``: the ISO code of the country whose government a recommendation
  addresses (the audience is then "the government of a named country");
- ``text``: the recommendation;
- ``themes``: theme codes or names separated by ``;``;
- ``countries``: ISO codes separated by ``;`` (recommendations only);
- ``title`` and ``description``: a priority issue area (``text`` stands for the title
  when ``title`` is blank).

A bad row is rejected with its row number and every reason it is bad; every good row
is kept. A row the event already has (same kind, region and text) is skipped, so
importing the same file twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from commons.events import outcomes
from commons.events.models import Event, Priority, Recommendation, Theme
from commons.lib.geo import COUNTRY_CODES, Region
from commons.lib.tabular import TabularError, read_table

COLUMNS = [
    "kind",
    "region",
    "audience",
    "audience_country",
    "text",
    "themes",
    "countries",
    "title",
    "description",
]
KINDS = {
    "recommendation": "recommendation",
    "recommendations": "recommendation",
    "priority": "priority",
    "priorities": "priority",
}
TEXT_MAX = Recommendation._meta.get_field("text").max_length
TITLE_MAX = Priority._meta.get_field("title").max_length


class RowRejected(ValueError):
    """A row that cannot be an outcome; the message says why."""


@dataclass
class ImportReport:
    accepted: int = 0
    skipped: int = 0  # rows the event already had
    rejected: list[tuple[int, str]] = field(default_factory=list)
    added_themes: list[str] = field(default_factory=list)


def template_rows() -> list[dict[str, str]]:
    """Two example rows for the downloadable template."""
    return [
        {
            "kind": "priority",
            "region": "africa",
            "title": "Children pushed into exploitation as schools closed",
            "description": "Street begging and child labour rose during the pandemic.",
            "themes": "child-protection; education",
        },
        {
            "kind": "recommendation",
            "region": "africa",
            "audience": "governments-national",
            "text": "Fund reception centres for survivors through the next budget cycle.",
            "themes": "funding; victim-support",
            "countries": "GH",
        },
    ]


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def _english(label) -> str:
    with override("en"):
        return str(label)


def _lookup(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Code, English name and name in the active language → code."""
    found: dict[str, str] = {}
    for code, label in choices:
        for name in (code, _english(label), str(label)):
            found[_key(name)] = code
    return found


def _find(lookup: dict[str, str], value: str) -> str | None:
    return lookup.get(_key(value)) or lookup.get(slugify(value))


class _Themes:
    """The vocabulary of themes by code, name and label; grows as unknown names are
    added."""

    def __init__(self) -> None:
        self.by_key: dict[str, Theme] = {}
        for theme in Theme.objects.all():
            self.remember(theme)

    def remember(self, theme: Theme) -> None:
        for name in (theme.code, theme.name, _english(theme.label), theme.label):
            self.by_key.setdefault(_key(name), theme)

    def find(self, name: str) -> Theme | None:
        return self.by_key.get(_key(name)) or self.by_key.get(slugify(name))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def _columns(header: list[str]) -> dict[str, str]:
    """The file's column names → ours; unknown columns are refused (a misspelt
    ``theme`` column would otherwise be silently ignored)."""
    mapping = {name: "_".join(name.casefold().split()) for name in header}
    unknown = [name for name, ours in mapping.items() if ours not in COLUMNS]
    if unknown:
        raise TabularError(
            _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    seen: dict[str, str] = {}
    for name, ours in mapping.items():  # "Text" and "text": one would be lost silently
        if ours in seen:
            raise TabularError(
                _("The columns %(first)s and %(second)s are the same column.")
                % {"first": repr(seen[ours]), "second": repr(name)}
            )
        seen[ours] = name
    if not {"text", "title"} & set(mapping.values()):
        raise TabularError(_("The file has neither a text column nor a title column."))
    return mapping


@dataclass
class _Row:
    kind: str
    region: str
    text: str
    audience: str = ""
    audience_country: str = ""
    description: str = ""
    themes: list[Theme] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, event: Event, add_themes: bool) -> None:
        self.event = event
        self.add_themes = add_themes
        self.regions = _lookup(Region.choices)
        self.audiences = _lookup(Recommendation.Audience.choices)
        self.themes = _Themes()

    def parse(self, row: dict[str, str]) -> _Row:
        """The row's outcome, or ``RowRejected`` naming every problem it has."""
        problems: list[str] = []
        kind = KINDS.get(_key(row.get("kind", "")) or "recommendation")
        if kind is None:
            problems.append(
                _("the kind “%(value)s” is neither recommendation nor priority")
                % {"value": row["kind"]}
            )
        region = self._region(row.get("region", ""), problems)
        text = description = audience = audience_country = ""
        if kind == "priority":
            text = " ".join((row.get("title") or row.get("text") or "").split())
            if not text:
                problems.append(_("the priority has no title"))
            elif len(text) > TITLE_MAX:
                problems.append(
                    _("the title is longer than %(max)d characters") % {"max": TITLE_MAX}
                )
            description = (row.get("description") or "").strip()
            if row.get("title") and row.get("text") and not description:
                description = row["text"].strip()
        elif kind == "recommendation":
            text = " ".join((row.get("text") or "").split())
            if not text:
                problems.append(_("the text is empty"))
            elif len(text) > TEXT_MAX:
                problems.append(_("the text is longer than %(max)d characters") % {"max": TEXT_MAX})
            audience, audience_country = self._audience(row, problems)
        themes, new_themes = self._themes(row.get("themes", ""), problems)
        countries = self._countries(row.get("countries", ""), problems)
        if problems:
            reasons = "; ".join(problems)
            raise RowRejected(reasons[:1].upper() + reasons[1:] + ".")
        return _Row(
            kind=kind,
            region=region,
            text=text,
            audience=audience,
            audience_country=audience_country,
            description=description,
            themes=themes,
            new_themes=new_themes,
            countries=countries,
        )

    def _region(self, value: str, problems: list[str]) -> str:
        if not value:
            if self.event.region:
                return self.event.region
            problems.append(_("the region is missing"))
            return ""
        region = _find(self.regions, value)
        if region is None:
            problems.append(_("unknown region “%(value)s”") % {"value": value})
            return ""
        return region

    def _audience(self, row: dict[str, str], problems: list[str]) -> tuple[str, str]:
        value = row.get("audience", "")
        country = (row.get("audience_country") or "").upper()
        named = Recommendation.Audience.GOVERNMENT_OF_COUNTRY
        if country and country not in COUNTRY_CODES:
            problems.append(
                _("“%(value)s” is not an ISO country code") % {"value": row["audience_country"]}
            )
        if not value:
            if country:
                return named, country
            problems.append(_("the audience is missing"))
            return "", ""
        audience = _find(self.audiences, value)
        if audience is None:
            problems.append(_("unknown audience “%(value)s”") % {"value": value})
            return "", ""
        if audience == named and not country:
            problems.append(
                _("the audience is the government of a country, but no country is named")
            )
        if audience != named and country:
            problems.append(
                _("a country addressed goes only with the audience “%(audience)s”")
                % {"audience": named.label}
            )
        return audience, country if audience == named else ""

    def _themes(self, value: str, problems: list[str]) -> tuple[list[Theme], list[str]]:
        themes: list[Theme] = []
        unknown: list[str] = []
        for name in _split(value):
            theme = self.themes.find(name)
            if theme is not None:
                if theme not in themes:
                    themes.append(theme)
            elif not slugify(name):
                problems.append(
                    _("the theme “%(value)s” has no letters or digits") % {"value": name}
                )
            else:
                unknown.append(name)
        if unknown and not self.add_themes:
            problems.append(
                _("unknown themes: %(names)s (tick “add unknown themes” to add them)")
                % {"names": ", ".join(f"“{name}”" for name in unknown)}
            )
        return themes, unknown

    def _countries(self, value: str, problems: list[str]) -> list[str]:
        codes = []
        for code in _split(value):
            if code.upper() in COUNTRY_CODES:
                codes.append(code.upper())
            else:
                problems.append(_("“%(value)s” is not an ISO country code") % {"value": code})
        return sorted(set(codes))


def _existing(event: Event) -> set[tuple[str, str, str]]:
    found = {
        ("recommendation", r, _key(t))
        for r, t in event.recommendations.values_list("region", "text")
    }
    found |= {("priority", r, _key(t)) for r, t in event.priorities.values_list("region", "title")}
    return found


@transaction.atomic
def import_outcomes(*, event: Event, data: bytes, actor, add_themes: bool = False) -> ImportReport:
    """Import an event's priorities and recommendations from a CSV or XLSX table.

    1. Read the table (``TabularError`` for a file that is no table, an unknown column,
       or neither a text nor a title column).
    2. Check each row in full, naming every problem of a bad row.
    3. Skip the rows the event already has (same kind, region and text).
    4. Write each good row in its own savepoint, adding its unknown themes to the
       vocabulary when ``add_themes``.

    Side effects: inserts Recommendations, Priorities and (with ``add_themes``) Themes.
    """
    header, rows = read_table(data)
    columns = _columns(header)
    parser = _Parser(event, add_themes)
    seen = _existing(event)
    report = ImportReport()
    for number, raw in rows:
        try:
            if raw.get(None):
                raise RowRejected(
                    _("Values past the last named column: %(values)s.")
                    % {"values": ", ".join(raw[None])}
                )
            row = parser.parse({columns[name]: value for name, value in raw.items() if name})
        except RowRejected as error:
            report.rejected.append((number, str(error)))
            continue
        key = (row.kind, row.region, _key(row.text))
        if key in seen:
            report.skipped += 1
            continue
        try:
            with transaction.atomic():
                added = _write(event, row, actor)
        except ValidationError as error:
            report.rejected.append((number, " ".join(error.messages)))
            continue
        seen.add(key)
        report.accepted += 1
        for theme in added:
            if parser.themes.find(theme.code) is None:
                report.added_themes.append(theme.name)
            parser.themes.remember(theme)
    return report


def _write(event: Event, row: _Row, actor) -> list[Theme]:
    """Write one row; returns the themes its unknown names became."""
    added = [outcomes.add_theme(name=name, actor=actor) for name in row.new_themes]
    themes = [*row.themes, *added]
    if row.kind == "priority":
        outcomes.add_priority(
            event=event,
            region=row.region,
            title=row.text,
            description=row.description,
            themes=themes,
        )
    else:
        outcomes.add_recommendations(
            event=event,
            region=row.region,
            audience=row.audience,
            audience_country=row.audience_country,
            texts=[row.text],
            themes=themes,
            countries=row.countries,
            actor=actor,
        )
    return added
