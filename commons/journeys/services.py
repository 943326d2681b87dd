"""Writes for journey records: contributing a file of records, withdrawing a batch."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache, partial
from operator import itemgetter
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from commons.core.models import AuditEvent
from commons.core.services import UPLOADS, keep_file, record_audit, start_progress
from commons.journeys import ctdc, formats, tallies
from commons.journeys.models import Batch, Record
from commons.journeys.rules import can_contribute_journeys, can_manage_batch
from commons.lib.tabular import TabularError, read_table

CHUNK = 2_000


@dataclass
class ImportReport:
    batch: Batch | None = None
    accepted: int = 0
    people: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The report as JSON can keep it (a background import's result)."""
        return {
            "batch": self.batch.pk if self.batch else None,
            "accepted": self.accepted,
            "people": self.people,
            "rejected": [list(row) for row in self.rejected],
            "ignored_columns": self.ignored_columns,
        }


class AlreadyImported(ValueError):
    """The same file was contributed before; nothing was imported."""


def case_hash(organisation, reference: str) -> str:
    """The keyed hash stored instead of a contributor's case reference: HMAC-SHA256 with
    the platform's secret, scoped to the organisation (docs/privacy.md)."""
    return case_hasher(organisation)(reference)


def case_hasher(organisation) -> Callable[[str], str]:
    """``case_hash`` for one organisation, its key derived once (an import hashes a
    million references)."""
    return _hasher(organisation.pk)


@lru_cache(maxsize=16)
def _hasher(organisation_id: int) -> Callable[[str], str]:
    keyed = salted_hmac("commons.journeys.case", f"{organisation_id}:", algorithm="sha256")

    def digest(reference: str) -> str:
        if not reference:
            return ""
        hashed = keyed.copy()
        hashed.update(reference.encode())
        return hashed.hexdigest()

    return digest


def _read(source: str | Path | IO[bytes]) -> bytes:
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes()
        except OSError as error:
            raise TabularError(
                _("The file %(path)s cannot be read: %(reason)s")
                % {"path": source, "reason": error.strerror or error}
            ) from None
    return source.read()


def import_records(
    *,
    organisation,
    by,
    source: str | Path | IO[bytes],
    attestation: str,
    origin: str = Batch.Source.UPLOAD,
    progress: Callable[[int, int | None], None] | None = None,
    format: str | None = None,
    workers: int = 0,
) -> ImportReport:
    """Contribute the records of a CSV or XLSX file as one batch.

    ``format`` is the layout, ``native`` or ``ctdc`` (docs/data-formats.md); None
    recognises it from the column names: native with an ``exploitation_country``
    column, CTDC with a ``CountryOfExploitation`` one.

    Every good row is kept and every bad one reported with its row number and reason;
    a case whose reference the organisation already sent is reported, not doubled.
    All or nothing for the good rows: they are stored in one transaction.

    ``by`` is the contributor (None on the command line, where the operator acts).
    ``workers`` processes (forked; 0: none) check the rows of a large file while this
    one stores them; the result is the same either way.
    Raises ``PermissionDenied`` (not a member of this verified organisation, or the
    organisation is not verified),
    ``ValueError`` (no attestation, or an unknown format), ``TabularError`` (not a
    readable table, the layout not recognised, or a required column missing) and
    ``AlreadyImported`` (this very file was contributed before and not withdrawn).
    """
    attestation = _checked_contributor(organisation, by, origin, attestation)
    data = _read(source)
    digest, header, rows, layout = _opened(organisation, data, format)
    report = ImportReport(ignored_columns=layout.unknown_columns(header))
    # Rows to expect, for the progress bar: lines of a CSV file; unknown for a workbook.
    total = None if data.startswith(b"PK") else max(data.count(b"\n"), 1)
    del data  # read_table holds what it needs: one copy of a large file is enough
    with transaction.atomic():
        batch = Batch.objects.create(
            organisation=organisation,
            created_by=by,
            source=origin,
            format=layout.format,
            attestation=attestation,
            digest=digest,
        )
        store = _Store(batch, report)
        parallel = workers if total is None or total >= PARALLEL_FROM else 0
        for checked in _checked(_chunks(rows), layout.format, organisation.pk, parallel):
            store(checked)
            if progress is not None:
                progress(checked[-1][0] - 1, total)
        if not report.accepted:
            transaction.set_rollback(True)
            return report
        store.counted.save()
        batch.records_accepted = report.accepted
        batch.records_rejected = len(report.rejected)
        batch.people = report.people
        batch.save(update_fields=["records_accepted", "records_rejected", "people"])
        record_audit(
            action=AuditEvent.Action.JOURNEYS_IMPORTED,
            actor=by,
            target=batch,
            target_label=organisation.name,
            data={"records": report.accepted, "rejected": len(report.rejected)},
        )
    report.batch = batch
    return report


# Uploads larger than this are imported in the background, with a progress bar.
INLINE_UPLOAD_BYTES = 1024 * 1024


def queue_import(*, organisation, by, data: bytes, attestation: str):
    """Import an uploaded file in the background (``tasks.import_records``) once the
    checks that need no row have passed; returns the job's ``Progress``.

    The file waits in ``VAR_DIR/uploads`` (readable by the server's user only) and is
    deleted as soon as the job has read it. Raises as ``import_records`` does before it
    reads a row.
    """
    from commons.journeys import tasks

    attestation = _checked_contributor(organisation, by, Batch.Source.UPLOAD, attestation)
    check_file(organisation=organisation, source=io.BytesIO(data))
    path = keep_file(data=data, folder=UPLOADS, prefix="journeys")
    progress = start_progress(label=_("Importing journey records"), owner=by)
    transaction.on_commit(
        lambda: tasks.import_records.enqueue(
            progress_id=progress.pk,
            path=str(path),
            organisation_id=organisation.pk,
            by_id=by.pk,
            attestation=attestation,
        )
    )
    return progress


def check_file(*, organisation, source: str | Path | IO[bytes], format: str | None = None) -> str:
    """What ``import_records`` checks before reading any row, for a page to say at once
    what is wrong with a file it then imports in the background: returns the layout
    (``native`` or ``ctdc``); raises as ``import_records`` does."""
    return _opened(organisation, _read(source), format)[3].format


def _opened(organisation, data: bytes, format: str | None):
    """The file's digest, header, rows and layout, once it is known to be a new table
    with the columns its layout needs."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = Batch.objects.filter(
        organisation=organisation, digest=digest, withdrawn_at__isnull=True
    ).first()
    if earlier is not None:
        raise AlreadyImported(
            _(
                "This file was already contributed as batch %(batch)s on %(date)s; nothing "
                "was imported. To replace it, withdraw that batch first."
            )
            % {"batch": earlier.pk, "date": earlier.created_at.date().isoformat()}
        )
    header, rows = read_table(data)
    layout = _layout(header, format)
    missing = layout.missing_columns(header)
    if missing:
        raise TabularError(
            _(
                "The file has no column %(columns)s; see the layout of a file of journey "
                "records (on the upload page, or docs/data-formats.md)."
            )
            % {"columns": ", ".join(missing)}
        )
    return digest, header, rows, layout


def _checked_contributor(organisation, by, origin: str, attestation: str) -> str:
    """The attestation, once the contributor may contribute for the organisation."""
    if by is None and origin != Batch.Source.COMMAND:
        raise PermissionDenied  # only the server's operator acts as nobody
    if by is not None and not can_contribute_journeys(by, organisation):
        raise PermissionDenied
    if not organisation.is_verified:
        raise PermissionDenied
    attestation = (attestation or "").strip()
    if not attestation:
        raise ValueError(_("Say on what basis you share these records (the attestation)."))
    return attestation


@transaction.atomic
def contribute_record(*, organisation, by, record: formats.JourneyRow, attestation: str) -> Batch:
    """Contribute one record entered on the web form, as a batch of its own.

    Raises ``PermissionDenied``, ``ValueError`` (no attestation) and ``AlreadyImported``
    (the organisation already sent this case reference)."""
    attestation = _checked_contributor(organisation, by, Batch.Source.FORM, attestation)
    digest = case_hash(organisation, record.case_reference)
    if digest and Record.objects.filter(organisation=organisation, case_hash=digest).exists():
        raise AlreadyImported(
            _("Your organisation already contributed this case reference; it is counted once.")
        )
    batch = Batch.objects.create(
        organisation=organisation,
        created_by=by,
        source=Batch.Source.FORM,
        attestation=attestation,
        records_accepted=1,
        people=record.count,
    )
    stored = _record(batch, record, digest)
    stored.save()
    tallies.Change().add([tallies.record_row(stored)]).save()
    record_audit(
        action=AuditEvent.Action.JOURNEYS_IMPORTED,
        actor=by,
        target=batch,
        target_label=organisation.name,
        data={"records": 1, "rejected": 0},
    )
    return batch


@dataclass(frozen=True)
class _Layout:
    format: str
    missing_columns: Callable[[list[str]], list[str]]
    unknown_columns: Callable[[list[str]], list[str]]
    row: Callable[[dict], formats.JourneyRow]


_LAYOUTS = {
    Batch.Format.NATIVE: _Layout(
        Batch.Format.NATIVE, formats.missing_columns, formats.unknown_columns, formats.native_row
    ),
    Batch.Format.CTDC: _Layout(
        Batch.Format.CTDC, ctdc.missing_columns, ctdc.unknown_columns, ctdc.ctdc_row
    ),
}


def _layout(header: list[str], format: str | None) -> _Layout:
    """The layout asked for, or the one the column names show."""
    if format is not None:
        if format not in _LAYOUTS:
            raise ValueError(
                _("%(format)s is not a layout of journey records; use %(layouts)s.")
                % {"format": repr(format), "layouts": ", ".join(_LAYOUTS)}
            )
        return _LAYOUTS[format]
    if "exploitation_country" in header:
        return _LAYOUTS[Batch.Format.NATIVE]
    if ctdc.is_ctdc(header):
        return _LAYOUTS[Batch.Format.CTDC]
    raise TabularError(
        _(
            "The file has neither an exploitation_country column (the Freedom Commons "
            "layout) nor a CountryOfExploitation column (the CTDC layout); see the layout "
            "of a file of journey records (on the upload page, or docs/data-formats.md)."
        )
    )


def _chunks(rows) -> Iterator[list[tuple[int, dict]]]:
    chunk = []
    for number, row in rows:
        chunk.append((number, row))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# From how many rows an import is worth checking in other processes.
PARALLEL_FROM = 20_000
_IN_FLIGHT = 4  # chunks handed to the workers and not yet stored, at most


def default_workers() -> int:
    """Checking processes for a large import: one per processor beyond the first, so
    that this process has one to store rows, and at most 3 (past that, storing is what
    takes the time)."""
    return max(0, min(3, (os.cpu_count() or 1) - 1))


def _check_rows(format: str, organisation_id: int, chunk: list[tuple[int, dict]]) -> list[tuple]:
    """Check a chunk of rows: for each, ``(number, reason)`` if rejected, or ``(number,
    case hash, column values, what the tallies count)``. Reads no database, so that
    another process can run it."""
    parse, digest_of = _LAYOUTS[format].row, _hasher(organisation_id)
    checked: list[tuple] = []
    for number, row in chunk:
        try:
            record = parse(row)
        except formats.RowRejected as error:
            checked.append((number, str(error)))
            continue
        checked.append(
            (
                number,
                digest_of(record.case_reference),
                _fields(record, encoded=True),
                tallies.journey_row(record),
            )
        )
    return checked


def _checked(chunks, format: str, organisation_id: int, workers: int) -> Iterator[list[tuple]]:
    """``_check_rows`` of every chunk, in order: here, or in ``workers`` forked
    processes, a few chunks ahead of the caller."""
    check = partial(_check_rows, format, organisation_id)
    if workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(check, chunks)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(check, chunk))
            if len(pending) >= _IN_FLIGHT * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class _Store:
    """Stores checked rows into ``batch``: each case once, the rejected rows reported,
    the accepted ones counted in ``counted`` (saved to the tallies at the end)."""

    def __init__(self, batch: Batch, report: ImportReport) -> None:
        self.batch, self.report = batch, report
        self.seen: set[str] = set()  # the cases of this file
        self.counted = tallies.Change()
        # Cases sent before: none to look up if the organisation never gave a reference.
        self.earlier = (
            Record.objects.filter(organisation=batch.organisation).exclude(case_hash="").exists()
        )

    def __call__(self, checked: list[tuple]) -> None:
        report = self.report
        known = self._known([entry[1] for entry in checked if len(entry) > 2 and entry[1]])
        records, rows = [], []
        for entry in checked:
            if len(entry) == 2:
                report.rejected.append(entry)
                continue
            number, digest, fields, row = entry
            if digest and (digest in known or digest in self.seen):
                report.rejected.append(
                    (
                        number,
                        _(
                            "case_reference: this case was already contributed (in this "
                            "file or an earlier one); it is counted once."
                        ),
                    )
                )
                continue
            if digest:
                self.seen.add(digest)
            records.append((digest, fields))
            rows.append(row)
            report.accepted += 1
            report.people += row.people
        _insert(self.batch, records)
        self.counted.add(rows)

    def _known(self, hashes: list[str]) -> set[str]:
        if not (self.earlier and hashes):
            return set()
        # The condition of the partial unique index, repeated so that the database uses it.
        return set(
            Record.objects.filter(organisation=self.batch.organisation, case_hash__in=hashes)
            .exclude(case_hash="")
            .values_list("case_hash", flat=True)
        )


def _fields(row: formats.JourneyRow, *, encoded: bool = False) -> dict:
    """A checked row as the values of a record's own columns (by attribute name: all but
    its batch, organisation and case hash); with ``encoded``, the JSON columns' values
    as JSON text, as ``_insert`` sends them."""
    recruitment = row.recruitment or formats.Stage("")
    if encoded:
        transit, forms = _stages_json(tuple(row.transit)), _codes_json(tuple(row.forms))
        means_of_control = _codes_json(tuple(row.means_of_control))
    else:
        transit = [stage.as_dict() for stage in row.transit]
        forms, means_of_control = row.forms, row.means_of_control
    return {
        "year": row.year,
        "sex": str(row.sex),
        "age_band": str(row.age_band),
        "citizenship": row.citizenship,
        "recruitment_country": recruitment.country,
        "recruitment_subdivision": recruitment.subdivision,
        "recruitment_place": recruitment.place,
        "transit": transit,
        "exploitation_country": row.exploitation.country,
        "exploitation_subdivision": row.exploitation.subdivision,
        "exploitation_place": row.exploitation.place,
        "forms": forms,
        "sector": row.sector,
        "means_of_control": means_of_control,
        "recruiter_relation": str(row.recruiter_relation),
        "count": row.count,
    }


# The same few lists recur in every file: each is encoded once.
@lru_cache(maxsize=10_000)
def _stages_json(stages: tuple[formats.Stage, ...]) -> str:
    return json.dumps([stage.as_dict() for stage in stages])


@lru_cache(maxsize=10_000)
def _codes_json(codes: tuple[str, ...]) -> str:
    return json.dumps(list(codes))


def _record(batch: Batch, row: formats.JourneyRow, digest: str) -> Record:
    return Record(
        batch=batch, organisation_id=batch.organisation_id, case_hash=digest, **_fields(row)
    )


_OWNER_FIELDS = ("batch_id", "organisation_id", "case_hash")


def _insert(batch: Batch, records: list[tuple[str, dict]]) -> None:
    """Insert checked records of ``batch`` (case hash, ``_fields(..., encoded=True)``)
    with one ``executemany``: an import of a million rows spends most of its time in the
    ORM's per-field work otherwise."""
    if not records:
        return
    fields = [field for field in Record._meta.concrete_fields if not field.primary_key]
    own = [field.attname for field in fields if field.attname not in _OWNER_FIELDS]
    assert [field.attname for field in fields if field.attname in _OWNER_FIELDS] == list(
        _OWNER_FIELDS
    )
    quote = connection.ops.quote_name
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    placeholders = ", ".join(
        f"%s{json_cast}" if isinstance(field, models.JSONField) else "%s" for field in fields
    )
    # Only the model's own table and column names go into the statement; values are
    # parameters.
    sql = (
        f"INSERT INTO {quote(Record._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(field.column) for field in fields)}) VALUES ({placeholders})"
    )
    values = itemgetter(*own)
    owner = (batch.pk, batch.organisation_id)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*owner, digest, *values(row)) for digest, row in records])


@transaction.atomic
def withdraw_batch(*, batch: Batch, by, request=None) -> Batch:
    """Take a batch back: its records are deleted (no later release will count them)
    and the batch stays, marked withdrawn, so the organisation's history stays whole."""
    if not can_manage_batch(by, batch):
        raise PermissionDenied
    if batch.is_withdrawn:
        return batch
    withdrawn = Record.objects.filter(batch=batch)
    tallies.Change().add(tallies.record_rows(withdrawn), sign=-1).save()
    deleted, _detail = withdrawn.delete()
    batch.withdrawn_at = timezone.now()
    batch.withdrawn_by = by
    batch.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    record_audit(
        action=AuditEvent.Action.JOURNEYS_WITHDRAWN,
        actor=by,
        target=batch,
        target_label=batch.organisation.name,
        request=request,
        data={"records": deleted},
    )
    return batch


@transaction.atomic
def correct_record(*, record: Record, by, row: formats.JourneyRow, request=None) -> Record:
    """Replace a record's values with corrected ones (checked like an imported row).

    The case reference is not changed: it is not stored, and a new one would only be
    a new case. Side effects: one UPDATE, one audit event (without the values).
    Raises ``PermissionDenied`` for anyone but the contributing organisation's members.
    """
    if not can_manage_batch(by, record.batch):
        raise PermissionDenied
    stored = Record.objects.select_for_update().get(pk=record.pk)  # as it is now
    corrected = _record(record.batch, row, record.case_hash)
    corrected.pk = record.pk
    corrected.save()
    change = tallies.Change().add([tallies.record_row(stored)], sign=-1)
    change.add([tallies.record_row(corrected)]).save()
    batch = record.batch
    batch.people = batch.records.aggregate(people=models.Sum("count"))["people"] or 0
    batch.save(update_fields=["people", "updated_at"])
    record_audit(
        action=AuditEvent.Action.JOURNEYS_CORRECTED,
        actor=by,
        target=batch,
        target_label=batch.organisation.name,
        request=request,
        data={"record": record.pk},
    )
    return corrected
