"""Photos made safe to keep: orientation applied, every metadata block dropped, size capped.

The output is rebuilt from pixels alone, so EXIF (GPS included), XMP, ICC profiles and
comments cannot survive. Limits are checked from the header before any pixels are decoded.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from inspector_app.core.errors import ImageError
from inspector_app.core.models import MAX_EDGE, without_hidden

MAX_FILE_BYTES = 80 * 1024 * 1024
MAX_PIXELS = 60_000_000
LONG_EDGE = MAX_EDGE
THUMB_EDGE = 320
JPEG_QUALITY = 85
# What ``_jpeg`` writes before its one scan: a bare JFIF marker, tables, the frame. Anything
# else (EXIF, XMP, ICC, comments: APP1-15, COM) means the photo was not cleaned here.
_SEGMENTS = {0xE0, 0xDB, 0xC0, 0xC4, 0xDD}
_JFIF_LENGTH = 16  # an APP0 with no thumbnail in it
_IN_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7]")  # a marker inside the scan (only RSTn may be)


@dataclass(frozen=True)
class CleanPhoto:
    photo: bytes
    thumb: bytes
    width: int
    height: int


def normalise(path: Path) -> CleanPhoto:
    """A clean JPEG and thumbnail from an image file, or ``ImageError`` saying why not."""
    name = without_hidden(path.name or str(path))
    if len(name) > 80:  # the start and the end tell a photo apart
        name = f"{name[:40]}…{name[-39:]}"
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageError(f"'{name}' cannot be read; check the file is still there.") from exc
    if path.is_dir():
        raise ImageError(f"'{name}' is a folder, not a photo; choose the photo's file.")
    if not path.is_file():  # a device or a pipe, which could be read for ever
        raise ImageError(f"'{name}' is not a file, so not a photo; choose the photo's file.")
    if size > MAX_FILE_BYTES:
        raise ImageError(
            f"'{name}' is {size / 2**20:.0f} MB; photos up to {MAX_FILE_BYTES // 2**20} MB "
            "can be added."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageError(
                        f"'{name}' is {width * height / 1e6:.0f} megapixels; the limit is "
                        f"{MAX_PIXELS / 1e6:.0f}. Resize it first."
                    )
                image.draft("RGB", (LONG_EDGE, LONG_EDGE))  # decode JPEGs at reduced scale
                image.load()
                # Shrink first, so no full-size copy is ever made of a large PNG or TIFF.
                image.thumbnail((LONG_EDGE, LONG_EDGE), Image.Resampling.LANCZOS)
                upright = ImageOps.exif_transpose(image)
                profile = image.info.get("icc_profile")
        return _clean(_in_srgb(_eight_bit(upright), profile))
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(
            f"'{name}' has too many pixels (over {MAX_PIXELS / 1e6:.0f} megapixels); "
            "resize it first."
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(
            f"'{name}' is not an image the app can read; choose a JPEG or PNG photo."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - each decoder fails in its own way on bad data
        raise ImageError(
            f"'{name}' is damaged or truncated; take or export the photo again."
        ) from exc


def _eight_bit(image: Image.Image) -> Image.Image:
    """Greyscale of more than 8 bits (16-bit PNG or TIFF, 32-bit, float) scaled to 8 bits:
    converted as it is, every level above 255 would be white."""
    if not (image.mode.startswith("I") or image.mode == "F"):
        return image
    if image.mode != "F":
        image = image.convert("I")
    high = image.getextrema()[1]
    scale = 255 if image.mode == "F" and high <= 1 else 1 / 257 if high > 255 else 1
    return image.point(lambda v: v * scale).convert("L")


def _in_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    """Colours as the camera's profile (Display P3, say) meant them, in sRGB: the profile
    itself is not kept, so colours read as sRGB unconverted would come out dull."""
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a profile that cannot be read: the pixels as they are


def _clean(image: Image.Image) -> CleanPhoto:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent areas become white, as they look on a page, not black.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((LONG_EDGE, LONG_EDGE), Image.Resampling.LANCZOS)
    # A fresh image from raw pixels carries no info dict: nothing to leak.
    bare = Image.frombytes(image.mode, image.size, image.tobytes())
    thumb = bare.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return CleanPhoto(_jpeg(bare), _jpeg(thumb), bare.width, bare.height)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def check_clean(data: bytes, edge: int) -> tuple[int, int]:
    """The width and height of a JPEG that has the shape of ``_clean``'s output (one baseline
    scan, no metadata of any kind, long edge at most ``edge``), or ``ImageError``.

    For photos that arrive already cleaned (in a bundle): checking the structure costs
    microseconds where cleaning again would decode every pixel.
    """
    try:
        if data[:2] != b"\xff\xd8" or data[-2:] != b"\xff\xd9":
            raise ValueError("not a whole JPEG")
        at, size = 2, None
        while True:
            marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
            if data[at] != 0xFF or length < 2 or at + 2 + length > len(data) - 2:
                raise ValueError("broken segment")
            if marker == 0xDA:
                if length != 6 + 2 * data[at + 4]:  # a scan header holds nothing else
                    raise ValueError("scan header")
                break
            if marker not in _SEGMENTS:
                raise ValueError(f"segment {marker:#x}")
            if marker == 0xE0 and (at != 2 or length != _JFIF_LENGTH or data[6:11] != b"JFIF\0"):
                raise ValueError("not one bare JFIF marker, first")
            if marker == 0xDB and (length - 2) % 65:  # whole 8-bit tables and nothing more
                raise ValueError("quantisation tables")
            if marker == 0xC0:
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                size = (width, height)
            at += 2 + length
        if size is None or not 0 < max(size) <= edge or min(size) < 1:
            raise ValueError("size")
        if _IN_SCAN.search(data, at + 2 + length, len(data) - 2):
            raise ValueError("a segment inside the scan")
    except (ValueError, IndexError, struct.error) as exc:
        raise ImageError(f"A photo is not one the app cleaned ({exc}).") from exc
    return size
