"""Photos as the inspector sees them: upright, stripped of metadata, capped, refused clearly.

DESIGN.md ("Photos"): orientation applied, every metadata block dropped (GPS included), the long
edge capped, a pixel-count limit enforced; then sealed in chunks. A bad photo saves nothing.
"""

from __future__ import annotations

import io
import os
import sqlite3
import struct
import subprocess
import sys
import zlib
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image
from PIL.ExifTags import GPS, IFD, Base
from PIL.PngImagePlugin import PngInfo

from inspector_app.core import images
from inspector_app.core.errors import ImageError, NotFound
from inspector_app.core.store import Inspection
from tests.conftest import PASSPHRASE, add_fixture_note

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without littleCMS
    ImageCms = None

RED, BLUE = (255, 0, 0), (0, 0, 255)
DESCRIPTION = "Canarydesc Child Q at the Thistlewood gate"
XMP_TITLE = "Canaryxmp Saltmarsh"
COMMENT = "Canarycomment Kittiwake"


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "JPEG"
    return image


def close_to(pixel: tuple, colour: tuple, slack: int = 40) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], colour, strict=True))


def halves(size: tuple[int, int], left: tuple, right: tuple, mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def phone_photo(path: Path) -> Path:
    """A JPEG carrying every metadata block a phone or an editor adds, GPS included."""
    exif = Image.Exif()
    exif[Base.ImageDescription] = DESCRIPTION
    exif[Base.Make] = "CanaryPhone"
    exif.get_ifd(IFD.GPSInfo).update({
        GPS.GPSLatitudeRef: "N", GPS.GPSLatitude: (53.0, 48.0, 1.5),
        GPS.GPSLongitudeRef: "W", GPS.GPSLongitude: (1.0, 33.0, 2.0),
    })
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:title="{XMP_TITLE}"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()
    extra = {}
    if ImageCms is not None:
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        extra["icc_profile"] = profile.tobytes()
    halves((640, 480), RED, BLUE).save(
        path, "JPEG", exif=exif, xmp=xmp, comment=COMMENT.encode(), **extra
    )
    return path


def good_photo(folder: Path) -> Path:
    path = folder / "fine.jpg"
    halves((64, 48), RED, BLUE).save(path, "JPEG")
    return path


def assert_bare(data: bytes) -> None:
    image = decoded(data)
    assert dict(image.getexif()) == {}
    assert not {"exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp"} & set(image.info)
    for marker in (b"Exif", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"Canary",
                   XMP_TITLE.encode(), COMMENT.encode(), DESCRIPTION.encode()):
        assert marker not in data, marker


def chunk_count(path: Path, attachment_id: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        query = "SELECT count(*) FROM chunks WHERE attachment_id = ?"
        return conn.execute(query, (attachment_id,)).fetchone()[0]


# -- what a good photo becomes -----------------------------------------------------------------


def test_exif_orientation_is_applied(inspection, tmp_path):
    # Stored landscape, red on the left; Orientation=6 means "turn 90 degrees clockwise to
    # view", so the inspector took a portrait photo whose top is red.
    exif = Image.Exif()
    exif[Base.Orientation] = 6
    source = tmp_path / "portrait.jpg"
    halves((400, 200), RED, BLUE).save(source, "JPEG", exif=exif, quality=95)

    clean = images.normalise(source)
    assert (clean.width, clean.height) == (200, 400)

    note = add_fixture_note(inspection, photos=[source])
    [attachment_id] = note.attachments
    attachment = inspection.attachment(attachment_id)
    assert (attachment.width, attachment.height) == (200, 400)
    photo = decoded(inspection.photo(attachment_id))
    assert photo.size == (200, 400)
    assert close_to(photo.getpixel((100, 20)), RED)
    assert close_to(photo.getpixel((100, 380)), BLUE)
    assert dict(photo.getexif()) == {}  # shown upright without a tag to obey
    thumb = decoded(inspection.photo(attachment_id, "thumb"))
    assert thumb.height > thumb.width


def test_every_metadata_block_is_gone(inspection, tmp_path):
    source = phone_photo(tmp_path / "IMG_2001.jpg")
    with Image.open(source) as original:  # the test photo really carries them all
        assert original.getexif().get_ifd(IFD.GPSInfo)[GPS.GPSLatitude] == (53.0, 48.0, 1.5)
        assert {"exif", "xmp", "comment"} <= set(original.info)
        assert ImageCms is None or "icc_profile" in original.info

    note = add_fixture_note(inspection)
    note = inspection.add_photo(note.id, source)
    [attachment_id] = note.attachments
    for variant in ("photo", "thumb"):
        assert_bare(inspection.photo(attachment_id, variant))
    assert close_to(decoded(inspection.photo(attachment_id)).getpixel((10, 240)), RED)


def test_png_metadata_is_gone_too(inspection, tmp_path):
    info = PngInfo()
    info.add_text("Description", DESCRIPTION)
    info.add_itxt("XML:com.adobe.xmp", XMP_TITLE)
    exif = Image.Exif()
    exif[Base.ImageDescription] = DESCRIPTION
    source = tmp_path / "screenshot.png"
    halves((300, 200), RED, BLUE).save(source, "PNG", pnginfo=info, exif=exif)

    note = add_fixture_note(inspection, photos=[source])
    assert_bare(inspection.photo(note.attachments[0]))


@pytest.mark.parametrize(
    "size, expected",
    [((4000, 3000), (2560, 1920)), ((3000, 4000), (1920, 2560)), ((640, 480), (640, 480))],
)
def test_the_long_edge_is_capped_and_the_thumbnail_is_small(inspection, tmp_path, size,
                                                            expected):
    source = tmp_path / "big.jpg"
    halves(size, RED, BLUE).save(source, "JPEG", quality=90)
    note = add_fixture_note(inspection, photos=[source])
    [attachment_id] = note.attachments
    assert decoded(inspection.photo(attachment_id)).size == expected
    attachment = inspection.attachment(attachment_id)
    assert (attachment.width, attachment.height) == expected
    thumb = decoded(inspection.photo(attachment_id, "thumb")).size
    assert max(thumb) <= 320 and min(thumb) > 0
    assert abs(thumb[0] / thumb[1] - expected[0] / expected[1]) < 0.02
    assert attachment.sizes["thumb"] < attachment.sizes["photo"]


def test_a_png_with_transparency_is_accepted(inspection, tmp_path):
    source = tmp_path / "diagram.png"
    halves((300, 200), (*RED, 255), (0, 0, 0, 0), mode="RGBA").save(source, "PNG")
    note = add_fixture_note(inspection, photos=[source])
    photo = decoded(inspection.photo(note.attachments[0]))
    assert photo.size == (300, 200) and photo.mode == "RGB"
    assert close_to(photo.getpixel((40, 100)), RED)
    assert inspection.verify().ok


@pytest.mark.parametrize(("mode", "level"), [("I;16", 32_896), ("I", 32_896), ("F", 0.5)])
def test_greyscale_deeper_than_8_bits_keeps_its_levels(tmp_path, mode, level):
    source = tmp_path / f"scan-{mode.replace(';', '')}.tif"
    Image.new(mode, (64, 48), level).save(source, "TIFF")
    photo = decoded(images.normalise(source).photo)
    assert abs(photo.getpixel((32, 24)) - 128) <= 2  # mid grey, not white or black


def icc_profile(red: tuple, green: tuple, blue: tuple) -> bytes:
    """A minimal RGB display profile with these primaries (XYZ) and a 2.2 gamma."""

    def tag(kind: bytes, body: bytes) -> bytes:
        return kind + bytes(4) + body

    def xyz(x: float, y: float, z: float) -> bytes:
        return tag(b"XYZ ", b"".join(struct.pack(">i", round(v * 65536)) for v in (x, y, z)))

    gamma = tag(b"curv", struct.pack(">IH", 1, 0x0233))
    tags = [(b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*red)), (b"gXYZ", xyz(*green)),
            (b"bXYZ", xyz(*blue)), (b"rTRC", gamma), (b"gTRC", gamma), (b"bTRC", gamma)]
    at, table, bodies = 128 + 4 + 12 * len(tags), b"", b""
    for kind, body in tags:
        body += bytes(-len(body) % 4)
        table += kind + struct.pack(">II", at + len(bodies), len(body))
        bodies += body
    head = (struct.pack(">I", at + len(bodies)) + b"lcms" + struct.pack(">I", 0x02100000)
            + b"mntrRGB XYZ " + bytes(12) + b"acsp" + bytes(24) + struct.pack(">I", 0)
            + b"".join(struct.pack(">i", round(v * 65536)) for v in (0.9642, 1.0, 0.8249)))
    head += bytes(128 - len(head))
    return head + struct.pack(">I", len(tags)) + table + bodies


def test_a_wide_gamut_photo_is_put_into_srgb_not_read_as_if_it_were(tmp_path):
    # Display P3, as phones save photos: its pure green is greener than sRGB can show.
    p3 = icc_profile((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419),
                     (0.1571, 0.0666, 0.7841))
    source = tmp_path / "p3.jpg"
    Image.new("RGB", (64, 48), (60, 170, 80)).save(source, "JPEG", quality=100,
                                                   icc_profile=p3, subsampling=0)
    red, green, blue = decoded(images.normalise(source).photo).getpixel((32, 24))
    assert green > 170 and red < 50  # as colour-managed software shows it, not (60, 170, 80)


def test_a_decoder_failing_in_its_own_way_is_a_damaged_photo(tmp_path, monkeypatch):
    source = good_photo(tmp_path)

    def broken(self):
        raise RuntimeError("decoder error")  # as the AVIF decoder does on damaged data

    monkeypatch.setattr(Image.Image, "load", broken)
    with pytest.raises(ImageError, match="is damaged or truncated"):
        images.normalise(source)


def test_a_refused_files_name_cannot_take_over_the_terminal_or_the_sentence(tmp_path):
    bad = tmp_path / ("evil\x1b]0;PWNED\x07\x1b[2J\u202etxt" + "x" * 200 + ".jpg")
    bad.write_text("not a photo")
    with pytest.raises(ImageError) as caught:
        images.normalise(bad)
    message = str(caught.value)
    assert not any(c in message for c in "\x1b\x07\u202e") and "evilPWNED" not in message
    assert message.startswith("'evil]0;PWNED[2Jtxt") and "…" in message and len(message) < 200


# -- bad photos --------------------------------------------------------------------------------


def png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that declares huge dimensions; cheap to write, costly to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def make_bad(kind: str, folder: Path) -> Path:
    path = folder / f"{kind}.jpg"
    if kind == "text":
        path.write_text("Minutes of the SEND board meeting, not a photo.\n")
    elif kind == "truncated":
        good = io.BytesIO()
        Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3)).save(good, "JPEG")
        path.write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "bomb":  # 70 megapixels, over the 60 MP limit, but 1-bit so cheap to write
        path = folder / "bomb.png"
        Image.new("1", (10_000, 7_000)).save(path, "PNG")
    elif kind == "huge bomb":  # past Pillow's own limit, as a 100 MP camera would make
        path = folder / "huge.png"
        png_header_only(path, 11_648, 8_736)
    elif kind == "giant bomb":  # so large that Pillow refuses it outright
        path = folder / "giant.png"
        png_header_only(path, 30_000, 30_000)
    elif kind == "oversized file":
        with path.open("wb") as sparse:
            sparse.truncate(images.MAX_FILE_BYTES + 2**20)
    # "missing": the path is never created
    return path


BAD = ["text", "truncated", "empty", "bomb", "huge bomb", "giant bomb", "oversized file",
       "missing"]


def assert_one_sentence(message: str, path: Path) -> None:
    assert "\n" not in message and message.endswith(".")
    assert path.name in message


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_photo_is_refused_and_nothing_is_saved(inspection, tmp_path, kind):
    bad = make_bad(kind, tmp_path)
    kept = add_fixture_note(inspection, text="A note that already has a photo.",
                            photos=[good_photo(tmp_path)])
    before = inspection.audit_log()

    with pytest.raises(ImageError) as caught:
        add_fixture_note(inspection, photos=[bad])
    assert_one_sentence(str(caught.value), bad)
    assert [n.id for n in inspection.notes()] == [kept.id]

    with pytest.raises(ImageError):
        inspection.add_photo(kept.id, bad)
    assert inspection.note(kept.id) == kept

    assert inspection.audit_log() == before
    assert inspection.verify().ok
    inspection.close()
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert again.note(kept.id).attachments == kept.attachments
        assert len(again.notes()) == 1


@pytest.mark.parametrize("kind", ["bomb", "huge bomb", "giant bomb"])
def test_a_too_large_photo_says_it_is_too_large(tmp_path, kind):
    bad = make_bad(kind, tmp_path)
    with pytest.raises(ImageError, match="megapixels"):
        images.normalise(bad)


def test_the_command_line_refuses_a_bad_photo_in_one_sentence(inspection, tmp_path):
    bad = make_bad("text", tmp_path)
    inspection.close()
    env = {**os.environ, "INSPECTOR_APP_PASSPHRASE": PASSPHRASE}
    result = subprocess.run(
        [sys.executable, "-m", "inspector_app", "add", str(inspection.path),
         "--kind", "visit", "--question", "A", "--outcome", "identification",
         "--judgement", "strength", "--text", "Photo of the sensory room.", "--photo", str(bad)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert bad.name in line and line.endswith(".")
    assert result.stdout == ""
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert again.notes() == []


# -- removing a photo --------------------------------------------------------------------------


def test_removing_a_photo_removes_it_from_the_note_and_the_file(inspection, tmp_path):
    first, second = good_photo(tmp_path), phone_photo(tmp_path / "second.jpg")
    note = add_fixture_note(inspection, photos=[first, second])
    gone, kept = note.attachments
    assert chunk_count(inspection.path, gone) == 2  # the photo and its thumbnail

    after = inspection.remove_photo(note.id, gone)
    assert after.attachments == (kept,)
    assert inspection.note(note.id).attachments == (kept,)
    with pytest.raises(NotFound):
        inspection.photo(gone)
    with pytest.raises(NotFound):
        inspection.remove_photo(note.id, gone)
    assert chunk_count(inspection.path, gone) == 0
    assert inspection.verify().ok
    decoded(inspection.photo(kept))

    inspection.close()
    assert chunk_count(inspection.path, gone) == 0
    with Inspection.open(inspection.path, PASSPHRASE) as again:
        assert again.note(note.id).attachments == (kept,)
        with pytest.raises(NotFound):
            again.photo(gone, "thumb")
        assert again.verify().ok
