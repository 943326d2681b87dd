"""Uploaded files: checked by their content, stored through Django's storage API, their
text read for search. (Interface fixed here; the checks are filled in by the files work.)"""

from __future__ import annotations

from dataclasses import dataclass


class UploadRefused(ValueError):
    """An upload the library does not take; the message says why, for the uploader."""


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the uploader's file name, cleaned, for the download's name
    kind: str  # what the content is: pdf, docx, xlsx, pptx, odt, ods, odp, png, jpeg …
    content: bytes


def check_upload(upload, *, images_only: bool = False) -> CheckedFile:
    """The upload when its content is an allowed type within the size limit; raises
    ``UploadRefused`` otherwise."""
    raise NotImplementedError


def extract_text(kind: str, content: bytes) -> str:
    """The text of a document, for search; '' when it has none."""
    raise NotImplementedError
