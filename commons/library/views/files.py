"""A version's file and cover image, to whoever may see the version.

Files are always downloads, never shown in the browser: whatever a file turns out to
hold, it does not run as part of this site. Both are read through Django's storage API,
so they come from the local folder or an S3 bucket alike.
"""

from pathlib import PurePosixPath

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from commons.library import queries
from commons.library.files import EXTENSIONS, IMAGES, content_type


def _harden(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Access can change (a version is approved, a member leaves): browsers only.
    response["Cache-Control"] = "private, max-age=300"
    return response


def _open(field):
    try:
        return field.open("rb")
    except (FileNotFoundError, OSError):
        # In the database but gone from storage: for the reader, there is no file.
        raise Http404 from None


@require_GET
def resource_file(request, slug: str, language: str):
    resource = queries.get_resource_for_user(request, slug, language)
    if not resource.file:
        raise Http404
    kind = resource.file_type
    extension = EXTENSIONS.get(kind, ("bin",))[0]
    name = resource.file_name or f"{resource.work.slug}-{resource.language}.{extension}"
    response = FileResponse(
        _open(resource.file),
        as_attachment=True,
        filename=name,
        content_type=content_type(kind),
    )
    return _harden(response)


@require_GET
def resource_cover(request, slug: str, language: str):
    resource = queries.get_resource_for_user(request, slug, language)
    if not resource.cover:
        raise Http404
    # Covers are re-encoded on upload and stored with the extension of their content.
    extension = PurePosixPath(resource.cover.name).suffix.lower()[1:]
    kind = next((k for k in IMAGES if extension in EXTENSIONS[k]), "")
    response = FileResponse(_open(resource.cover), content_type=content_type(kind))
    return _harden(response)
