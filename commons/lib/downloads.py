"""Files a page sends to be saved: the response with its type and file name."""

from django.http import HttpResponse

# By the file's extension.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "geojson": "application/geo+json",
    "svg": "image/svg+xml",
}


def attachment(content: bytes | str, filename: str) -> HttpResponse:
    """``content`` as a download called ``filename``, typed by its extension
    (``CONTENT_TYPES``)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
