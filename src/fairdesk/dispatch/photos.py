"""Job photos are never served raw from /media/: only through this view, to the staff allowed to see the job
(the technician working it, dispatchers, managers, auditors), with headers that stop a browser from running
anything in them even if a file slipped past the re-encoding."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from fairdesk.accounts import permissions
from fairdesk.dispatch.models import JobNote, OpeningRecord
from fairdesk.dispatch.services import PHOTO_FORMATS

_CONTENT_TYPES = {extension: content_type for extension, content_type in PHOTO_FORMATS.values()}


@require_GET
@permissions.page_requires(permissions.TECHNICIAN | permissions.READ_JOBS)
def job_photo(request, note_id: int):
    note = JobNote.objects.select_related("job__technician").filter(pk=note_id).first()
    if (
        note is None
        or not note.photo
        or not permissions.may_read_job(request.user, note.job.technician.user_id)
    ):
        raise Http404  # another technician's job is "not found", never "forbidden"
    extension = note.photo.name.rsplit(".", 1)[-1].lower()
    content_type = _CONTENT_TYPES.get(extension)
    if content_type is None:  # stored before photos were re-encoded: never shown inline
        content_type, disposition = "application/octet-stream", "attachment"
    else:
        disposition = "inline"
    return _served(note.photo, content_type, disposition, f"job-{note.job_id}-photo-{note.pk}.{extension}")


@require_GET
@permissions.page_requires(permissions.TECHNICIAN | permissions.READ_OPENING_RECORDS)
def opening_photo(request, record_id: int):
    """An opening record's proof photo: to the technician who took it, auditors and managers only."""
    record = OpeningRecord.objects.filter(pk=record_id).first()
    if record is None or not permissions.may_read_opening_record(request.user, record.recorded_by_id):
        raise Http404
    extension = record.proof_photo.name.rsplit(".", 1)[-1].lower()
    content_type = _CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404  # every proof photo is re-encoded on arrival; anything else is not served
    response = _served(record.proof_photo, content_type, "inline", f"opening-{record.pk}.{extension}")
    response["Cache-Control"] = "private, no-store"  # identity papers: not kept in a browser's cache
    return response


def _served(field, content_type: str, disposition: str, filename: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
