"""Lesson images and videos: checked when they arrive, served only through the lesson's media view.

Images are recognised by content with Pillow (JPEG, PNG or WebP; never the client's Content-Type or name)
and re-encoded without metadata; videos are MP4 or WebM recognised by their first bytes. Size limits keep a
course light on a phone. Served with the type we determined, `nosniff`, a sandboxing CSP and an inline
Content-Disposition with a generated name."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from fairdesk.core.errors import DomainError

IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 25_000_000
IMAGE_LONG_SIDE = 1600
MAX_VIDEO_BYTES = 50 * 1024 * 1024
CONTENT_TYPES = {ext: ct for ext, ct in IMAGE_FORMATS.values()} | VIDEO_TYPES


class MediaInvalid(DomainError):
    code = "media_invalid"
    status = 422


def image_reencode(upload) -> tuple[bytes, str]:
    """The upload as a fresh JPEG, PNG or WebP without metadata, and its extension; MediaInvalid otherwise."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    refused = MediaInvalid(_("图片须为 JPEG、PNG 或 WebP，且不超过 5 MB。"))
    if upload.size is None or upload.size > MAX_IMAGE_BYTES:
        raise refused
    try:
        upload.seek(0)
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise refused
            image.load()
            fmt = image.format
            picture = ImageOps.exif_transpose(image)
        picture.thumbnail((IMAGE_LONG_SIDE, IMAGE_LONG_SIDE))
        if fmt == "JPEG" and picture.mode not in {"RGB", "L"}:
            picture = picture.convert("RGB")
        elif fmt != "JPEG" and picture.mode not in {"RGB", "RGBA", "L", "LA"}:
            picture = picture.convert("RGBA")
        picture.info = {}
        out = io.BytesIO()
        picture.save(out, format=fmt, **({"quality": 85} if fmt in {"JPEG", "WEBP"} else {"optimize": True}))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    return out.getvalue(), IMAGE_FORMATS[fmt][0]


def video_kind(upload) -> str:
    """ "mp4" or "webm" by the file's first bytes (an ISO-BMFF `ftyp` box, or the EBML header); else
    MediaInvalid."""
    refused = MediaInvalid(_("视频须为 MP4 或 WebM，且不超过 50 MB。"))
    if upload.size is None or upload.size > MAX_VIDEO_BYTES:
        raise refused
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    raise refused
