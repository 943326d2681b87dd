"""Staff import of organisations from a CSV or XLSX file (see docs/data-formats.md).

Which organisation a row is about:

- a row with a ``slug`` is about the organisation with that slug, created with that slug
  when there is none yet — re-importing the file updates it instead of duplicating it;
- a row without a slug (no such column, or an empty cell) is about the organisation with
  the same name (ignoring case and extra spaces) and headquarters country, or a new one.

A column left out of the file leaves that part of existing organisations as it is; an
empty cell in a column that is present clears it (except ``type`` and ``verified``,
where an empty cell changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commons.accounts.models import Organisation
from commons.accounts.services import create_organisation, unique_slug, verify_organisation
from commons.directory import vocabularies as v
from commons.directory.models import NetworkLink, Presence, Profile, Term
from commons.directory.services import save_profile
from commons.lib.geo import COUNTRY_CODES
from commons.lib.languages import canonical_language
from commons.lib.tabular import TabularError, read_table

REQUIRED_COLUMNS = ("name", "country")
ORGANISATION_COLUMNS = ("name", "acronym", "country", "type", "website", "summary")
PROFILE_COLUMNS = ("description", "founded", "size")
TERM_COLUMNS: dict[str, type | None] = {**v.TERM_VOCABULARIES, "languages": None}
COLUMNS = (
    "name",
    "slug",
    "acronym",
    "country",
    "type",
    "website",
    "summary",
    "description",
    "founded",
    "size",
    "verified",
    "countries_of_operation",
    *TERM_COLUMNS,
    "networks",
)
MAX_LENGTHS = {"name": 200, "acronym": 30, "summary": 1000}
TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0"}
FOUNDED_RANGE = (1800, 2100)

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_SEPARATORS = re.compile(r"[;,]")
_WEBSITE = forms.URLField(max_length=200, assume_scheme="https")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


class RowRejected(Exception):
    pass


@dataclass
class _Row:
    """A validated row: only the columns the file has are keys of ``values``."""

    number: int
    values: dict[str, Any]

    def has(self, column: str) -> bool:
        return column in self.values


def import_organisations(
    *,
    path_or_file: str | Path | IO[bytes],
    by,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update organisations from the rows of a CSV or XLSX file.

    1. Read the whole file; a file that cannot be read raises ``TabularError`` before
       anything is written.
    2. For each row: validate every cell and find the organisation it is about; a bad
       row is rejected with its row number and the reasons.
    3. Write each good row in its own transaction, so that a row failing at the last
       moment loses nothing else.

    Side effects: through ``create_organisation``, ``save_profile`` and
    ``verify_organisation``, inserts or updates organisations, profiles, terms, countries
    of operation and network links, and writes their audit lines (actor ``by``; the
    creation line has no actor as ``create_organisation`` only names a creator who
    becomes an admin). ``dry_run`` does the same inside a transaction rolled back at the
    end, so its report is exactly what a real run would give and nothing is kept.
    """
    if not getattr(by, "is_staff", False):
        raise PermissionDenied(_("Only platform staff can import organisations."))
    header, records = read_table(path_or_file)
    columns = _columns(header)
    rows = list(records)
    report = ImportReport(
        ignored_columns=[name for name in header if name.lower() not in COLUMNS],
        dry_run=dry_run,
    )
    importer = _Importer(by=by, columns=columns, report=report)
    if dry_run:
        with transaction.atomic():
            importer.run(rows, progress)
            transaction.set_rollback(True)
    else:
        importer.run(rows, progress)
    return report


def _columns(header: list[str]) -> dict[str, str]:
    """Our column name → the file's spelling of it."""
    columns: dict[str, str] = {}
    for name in header:
        key = name.lower()
        if key in columns:
            raise TabularError(
                _("The columns %(first)s and %(second)s are the same column.")
                % {"first": repr(columns[key]), "second": repr(name)}
            )
        if key in COLUMNS:
            columns[key] = name
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            raise TabularError(
                _(
                    "The file has no %(column)s column. The first row must hold the column "
                    "names, such as: %(example)s."
                )
                % {"column": repr(required), "example": ", ".join(COLUMNS[:6])}
            )
    return columns


def _show(value: str, limit: int = 60) -> str:
    """A cell as it can safely be quoted in a one-line message on a terminal."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _split(value: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in _SEPARATORS.split(value) if part.strip()))


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Importer:
    def __init__(self, *, by, columns: dict[str, str], report: ImportReport):
        self.by = by
        self.columns = columns
        self.report = report
        self.seen_slugs: dict[str, int] = {}
        self.seen_names: dict[tuple[str, str], int] = {}
        self.seen_pks: dict[int, int] = {}

    def run(self, rows: list[tuple[int, dict]], progress) -> None:
        for done, (number, cells) in enumerate(rows, start=1):
            try:
                row = self.clean(number, cells)
                organisation = self.match(row)
                if organisation is not None and organisation.pk in self.seen_pks:
                    raise RowRejected(
                        _("the row is about the same organisation as row %(row)d")
                        % {"row": self.seen_pks[organisation.pk]}
                    )
                organisation = self.write(row, organisation)
            except RowRejected as rejection:
                self.report.rejected.append((number, str(rejection)))
            else:
                self.seen_pks[organisation.pk] = number
                self.remember(row)
            if progress is not None:
                progress(done, len(rows))

    # 1. Validation ----------------------------------------------------------------

    def clean(self, number: int, cells: dict) -> _Row:
        errors: list[str] = []
        values: dict[str, Any] = {}
        if cells.get(None):
            errors.append(
                _(
                    "the row has more cells than there are columns (%(cells)s); "
                    "is a separator inside a cell missing its quotes?"
                )
                % {"cells": ", ".join(_show(cell) for cell in cells[None])}
            )
        for column, spelling in self.columns.items():
            raw = cells.get(spelling, "")
            try:
                values[column] = self._cleaner(column)(column, raw)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise RowRejected("; ".join(errors))
        return _Row(number=number, values=values)

    def _cleaner(self, column: str) -> Callable[[str, str], Any]:
        if column in TERM_COLUMNS:
            return self.clean_terms
        return getattr(self, f"clean_{column}", self.clean_text)

    def clean_text(self, column: str, raw: str) -> str:
        limit = MAX_LENGTHS.get(column)
        if limit and len(raw) > limit:
            raise ValidationError(
                _("%(column)s is longer than %(limit)d characters")
                % {"column": column, "limit": limit}
            )
        return raw

    def clean_name(self, column: str, raw: str) -> str:
        if not raw:
            raise ValidationError(_("name is missing"))
        return self.clean_text(column, " ".join(raw.split()))

    def clean_slug(self, column: str, raw: str) -> str:
        if raw and (len(raw) > 60 or not _SLUG.match(raw)):
            raise ValidationError(
                _(
                    "slug %(value)s is not a short name: at most 60 letters, digits, "
                    "hyphens and underscores"
                )
                % {"value": _show(raw)}
            )
        return raw

    def clean_country(self, column: str, raw: str) -> str:
        if not raw:
            raise ValidationError(_("country is missing"))
        return self._country(column, raw)

    def _country(self, column: str, raw: str) -> str:
        if raw.upper() not in COUNTRY_CODES:
            raise ValidationError(
                _("%(column)s %(value)s is not an ISO 3166-1 alpha-2 code")
                % {"column": column, "value": _show(raw)}
            )
        return raw.upper()

    def clean_countries_of_operation(self, column: str, raw: str) -> list[str]:
        # Deduplicated once upper-cased: "AD; ad" is one country, not two places (which
        # would break a unique constraint and reject a good row).
        return list(dict.fromkeys(self._country(column, code) for code in _split(raw)))

    def clean_type(self, column: str, raw: str) -> str:
        return self._code(column, raw.lower(), v.OrganisationType) if raw else ""

    def clean_size(self, column: str, raw: str) -> str:
        return self._code(column, raw, v.SizeBand) if raw else ""

    def _code(self, column: str, code: str, vocabulary) -> str:
        if code not in vocabulary.values:
            raise ValidationError(
                _("%(column)s %(value)s is not one of the codes of this column")
                % {"column": column, "value": _show(code)}
            )
        return code

    def clean_website(self, column: str, raw: str) -> str:
        try:
            return _WEBSITE.clean(raw) if raw else ""
        except ValidationError:
            raise ValidationError(
                _("website %(value)s is not a web address") % {"value": _show(raw)}
            ) from None

    def clean_founded(self, column: str, raw: str) -> int | None:
        if not raw:
            return None
        low, high = FOUNDED_RANGE
        # int() raises ValueError for thousands of digits: a long text is no year anyway.
        if not (raw.isascii() and raw.isdigit() and len(raw) < 10 and low <= int(raw) <= high):
            raise ValidationError(
                _("founded %(value)s is not a year from %(low)d to %(high)d")
                % {"value": _show(raw), "low": low, "high": high}
            )
        return int(raw)

    def clean_verified(self, column: str, raw: str) -> bool | None:
        answer = raw.lower()
        if answer in TRUE or answer in FALSE:
            return answer in TRUE
        if raw:
            raise ValidationError(
                _("verified %(value)s is not true or false (yes/no and 1/0 also work)")
                % {"value": _show(raw)}
            )
        return None

    def clean_networks(self, column: str, raw: str) -> list[Organisation]:
        slugs = _split(raw)
        found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValidationError(
                _("networks %(value)s is not the slug of an existing organisation")
                % {"value": ", ".join(_show(slug) for slug in missing)}
            )
        return [found[slug] for slug in slugs]

    def clean_terms(self, column: str, raw: str) -> list[str]:
        codes, unknown = [], []
        for code in _split(raw):
            if column == "languages":
                known = canonical_language(code)
            else:
                known = code.lower() if code.lower() in TERM_COLUMNS[column].values else None
            if known:
                codes.append(known)
            else:
                unknown.append(code)
        if unknown:
            message = (
                _("languages %(value)s is not an ISO 639 language code")
                if column == "languages"
                else _("%(column)s %(value)s is not one of the codes of this column")
            )
            raise ValidationError(
                message % {"column": column, "value": ", ".join(_show(c) for c in unknown)}
            )
        return list(dict.fromkeys(codes))

    # 2. Which organisation --------------------------------------------------------

    def match(self, row: _Row) -> Organisation | None:
        name, country = row.values["name"], row.values["country"]
        slug = row.values.get("slug", "")
        same_name = [
            o
            for o in Organisation.objects.filter(country=country).only("pk", "name", "slug")
            if _name_key(o.name) == _name_key(name)
        ]
        if slug:
            if slug in self.seen_slugs:
                raise RowRejected(
                    _("slug %(value)s already appears in row %(row)d")
                    % {"value": _show(slug), "row": self.seen_slugs[slug]}
                )
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None and same_name:
                raise RowRejected(
                    _(
                        "slug %(value)s is new, but %(name)s in %(country)s already exists "
                        "with the slug %(existing)s; use that slug to update it"
                    )
                    % {
                        "value": _show(slug),
                        "name": _show(name),
                        "country": country,
                        "existing": _show(same_name[0].slug),
                    }
                )
            return organisation
        key = (_name_key(name), country)
        if key in self.seen_names:
            raise RowRejected(
                _("name %(name)s in %(country)s already appears in row %(row)d")
                % {"name": _show(name), "country": country, "row": self.seen_names[key]}
            )
        if len(same_name) > 1:
            raise RowRejected(
                _(
                    "name %(name)s matches %(count)d organisations in %(country)s; "
                    "add a slug column to say which one"
                )
                % {"name": _show(name), "count": len(same_name), "country": country}
            )
        return Organisation.objects.get(pk=same_name[0].pk) if same_name else None

    def remember(self, row: _Row) -> None:
        if row.values.get("slug"):
            self.seen_slugs[row.values["slug"]] = row.number
        self.seen_names[(_name_key(row.values["name"]), row.values["country"])] = row.number

    # 3. Writing -------------------------------------------------------------------

    def write(self, row: _Row, organisation: Organisation | None) -> Organisation:
        """Save the row; counts it as created, updated or unchanged in the report."""
        values = row.values
        try:
            with transaction.atomic():
                outcome = "updated"
                if organisation is None:
                    outcome = "created"
                    organisation = create_organisation(
                        name=values["name"],
                        country=values["country"],
                        type=values.get("type") or Organisation.Type.NGO,
                        slug=values.get("slug") or unique_slug(values["name"]),
                        acronym=values.get("acronym", ""),
                        summary=values.get("summary", ""),
                        website=values.get("website", ""),
                        verified_by=self.by if values.get("verified") else None,
                        actor=self.by,
                    )
                changes = self.changes(row, organisation)
                if changes:
                    save_profile(organisation=organisation, by=self.by, **changes)
                verified = values.get("verified")
                verification = verified is not None and verified != organisation.is_verified
                if verification:
                    verify_organisation(organisation=organisation, by=self.by, verified=verified)
                if outcome == "updated" and not (changes or verification):
                    outcome = "unchanged"
        except ValidationError as error:
            raise RowRejected("; ".join(_messages(error))) from None
        except IntegrityError:
            raise RowRejected(
                _("the row conflicts with data saved meanwhile; import the file again")
            ) from None
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        return organisation

    def changes(self, row: _Row, organisation: Organisation) -> dict[str, Any]:
        """The arguments of ``save_profile`` for what this row would change, only."""
        values, changes = row.values, {}
        organisation_fields = {
            column: values[column]
            for column in ORGANISATION_COLUMNS
            if row.has(column)
            and getattr(organisation, column) != values[column]
            and not (column == "type" and not values[column])
        }
        if organisation_fields:
            changes["organisation_fields"] = organisation_fields
        profile = Profile.objects.filter(organisation=organisation).first() or Profile()
        profile_fields = {
            column: values[column]
            for column in PROFILE_COLUMNS
            if row.has(column) and getattr(profile, column) != values[column]
        }
        if profile_fields:
            changes["profile_fields"] = profile_fields
        terms = {}
        for vocabulary in TERM_COLUMNS:
            if row.has(vocabulary):
                current = Term.objects.filter(organisation=organisation, vocabulary=vocabulary)
                if set(current.values_list("code", flat=True)) != set(values[vocabulary]):
                    terms[vocabulary] = values[vocabulary]
        if terms:
            changes["terms"] = terms
        if row.has("countries_of_operation"):
            presences = _presences(organisation, values["countries_of_operation"])
            if presences is not None:
                changes["presences"] = presences
        if row.has("networks"):
            current = set(
                NetworkLink.objects.filter(member=organisation).values_list("network_id", flat=True)
            )
            wanted = [n for n in values["networks"] if n.pk != organisation.pk]
            if current != {n.pk for n in wanted}:
                changes["networks"] = wanted
        return changes


def _presences(organisation: Organisation, countries: list[str]) -> list[dict] | None:
    """The places to store for these countries, or ``None`` when nothing changes.

    Places already recorded in a listed country keep their province and town; a
    listed country with none gets a country-wide place; others are removed.
    """
    current = list(
        Presence.objects.filter(organisation=organisation).values(
            "country", "subdivision", "locality", "latitude", "longitude"
        )
    )
    kept = [p for p in current if p["country"] in countries]
    present = {p["country"] for p in kept}
    added = [{"country": code} for code in countries if code not in present]
    if not added and len(kept) == len(current):
        return None
    return kept + added


def _messages(error: ValidationError) -> Iterable[str]:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                yield f"{name}: {message}"
    else:
        yield from error.messages
