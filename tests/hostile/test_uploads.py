"""Uploads: every form that takes a file limits its size (a setting, named in the refusal) and its type by
content, whatever the file's name claims; photos are re-encoded; Django's own request limits answer 400.

`UPLOADS` lists every page with a file field; test_pages fails for a page with a file field missing here.
"""

import base64
import html
import io
import json
import zlib
from struct import pack

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from hypothesis import given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import ExifTags, Image

from situation.models import Area, WalkObservation
from tests.councils.test_permissions import MATRIX
from tests.hostile.driver import HYPOTHESIS, assert_sound, plain_submission, run_isolated, signed_in

SCRIPT = b"<html><body><script>alert(1)</script></body></html>"


def _jpeg_with_gps_and_a_script() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (57.0, 30.0, 12.5)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG", exif=exif, comment=b"<script>alert(1)</script>")
    return out.getvalue() + SCRIPT  # Bytes after the image's end: what a polyglot file hides there.


def _png_bomb() -> bytes:
    """A PNG of a few hundred bytes that claims 100,000 × 100,000 pixels."""

    def chunk(kind, data):
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, "GIF")
    return out.getvalue()


SQUARE = {"type": "Polygon", "coordinates": [[[14.0, 57.0], [14.1, 57.0], [14.1, 57.1], [14.0, 57.0]]]}


class Upload:
    """A page with a file field: its limit's setting, a file it accepts, and how it shows that it accepted one."""

    def __init__(self, field, limit_setting, suffix, valid=None, too_large="större än gränsen på {limit}"):
        self.field, self.limit_setting, self.suffix, self.valid = field, limit_setting, suffix, valid
        self.too_large = too_large  # The Swedish refusal of an oversized file, around the limit it names.

    def accepted(self, response) -> bool:
        return response.status_code == 302 or 'name="confirm"' in response.content.decode()


_PHOTO = Upload(
    "photo",
    "WALK_PHOTO_MAX_BYTES",
    ".jpg",
    _jpeg_with_gps_and_a_script,
    too_large="största tillåtna storlek är {limit}",
)
_OUTLINE = Upload("outline_file", "AREA_OUTLINE_MAX_BYTES", ".geojson", lambda: json.dumps(SQUARE).encode())
UPLOADS = {
    "situation:walk-observation-create": _PHOTO,
    "situation:walk-observation-update": _PHOTO,
    "situation:area-create": _OUTLINE,
    "situation:area-update": _OUTLINE,
    "situation:import-statistics": Upload(
        "file", "STAT_IMPORT_MAX_BYTES", ".csv", lambda: "kommunkod;period;category;count\n9901;2024;Stöld;4\n".encode()
    ),
    # An unchanged plan exported and imported again has nothing to confirm; test_more tests valid imports.
    "actionplans:measures-import": Upload("file", "MEASURES_IMPORT_MAX_BYTES", ".csv"),
}
HOSTILE_FILES = {
    "a web page with a script": SCRIPT,
    "a GIF image": _gif(),
    "a PDF": b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\x00\x01\x02trailer<<>>\n%%EOF",
    "a spreadsheet workbook": b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64,
    "a decompression bomb": _png_bomb(),
    "nothing but NUL bytes": b"\x00" * 512,
    "a JSON list": b"[1, 2]",
    "JSON nested too deep to read": b"[" * 200_000 + b"]" * 200_000,
    "a polygon of script": json.dumps(
        {"type": "Polygon", "coordinates": [[["<script>alert(1)</script>", 1]]]}
    ).encode(),
}


def _path(world, name):
    return reverse(name, kwargs=MATRIX[name][0](world))


def _upload_form(world, name):
    """A function that POSTs the upload form of page `name` (as its coordinator, filled in as a careful user
    would) with the files it is given, and checks the answer is sound."""
    client = signed_in(world, "coordinator")
    path = _path(world, name)
    page = assert_sound(client.get(path), f"GET {path}")
    form = next(form for form in page.forms if UPLOADS[name].field in form.fields)
    data = plain_submission(form, "Trasig belysning")

    def send(**files):
        response = client.post(form.action, {**{k: v for k, v in data.items() if k not in files}, **files})
        assert_sound(response, f"POST {form.action} with {list(files.values())}")
        return response

    return send


def _send(world, name, **files):
    return _upload_form(world, name)(**files)


def _file(name, content: bytes, upload: Upload):
    return SimpleUploadedFile(f"{name}{upload.suffix}", content, content_type="application/octet-stream")


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_files_of_the_wrong_kind_are_refused_whatever_their_name(world, db, name):
    upload, send = UPLOADS[name], _upload_form(world, name)
    accepted = [
        kind
        for kind, content in HOSTILE_FILES.items()
        if upload.accepted(send(**{upload.field: _file("sommar", content, upload)}))
    ]
    assert not accepted, f"{name} accepted, named *{upload.suffix}: {accepted}"


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_an_oversized_file_is_refused_with_a_swedish_message_naming_the_limit(world, db, name, settings):
    upload = UPLOADS[name]
    limit = 2048
    setattr(settings, upload.limit_setting, limit)
    sample = upload.valid() if upload.valid else b"kod;titel\n"
    content = sample * (limit // len(sample) + 2)
    response = _send(world, name, **{upload.field: _file("stor", content[: limit + 1], upload)})
    assert not upload.accepted(response)
    with translation.override("sv"):
        refusal = upload.too_large.format(limit=filesizeformat(limit))
    assert refusal in html.unescape(response.content.decode()), f"{name}: no refusal saying {refusal!r}"


@pytest.mark.parametrize("name", sorted(name for name, upload in UPLOADS.items() if upload.valid))
def test_a_valid_file_with_a_hostile_name_is_accepted_under_a_name_of_the_portals(world, db, name):
    upload = UPLOADS[name]
    hostile_name = '../../<script>alert(1)</script>\u202e"; rm -rf'
    response = _send(world, name, **{upload.field: _file(hostile_name, upload.valid(), upload)})
    assert upload.accepted(response), f"{name} refused a valid file because of its name"


def test_a_photo_comes_back_re_encoded_without_gps_camera_data_or_the_appended_script(world, db):
    _send(world, "situation:walk-observation-create", photo=_file("lampa", _jpeg_with_gps_and_a_script(), _PHOTO))
    observation = WalkObservation.objects.filter(walk=world.walk).latest("pk")
    client = signed_in(world, "member")
    path = reverse("situation:walk-observation-photo", kwargs={"kommun": world.municipality.slug, "pk": observation.pk})
    response = client.get(path)
    served = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert served.startswith(b"\xff\xd8") and served.endswith(b"\xff\xd9")
    for trace in (b"GPS", b"Exif", b"Testkamera", b"<script", b"alert("):
        assert trace not in served, f"the stored photo still holds {trace!r}"
    assert "/" not in observation.photo.name.removeprefix("situation/walks/")


def test_an_outline_keeps_only_its_geometry(world, db):
    feature = {"type": "Feature", "properties": {"name": "<script>alert(1)</script>"}, "geometry": SQUARE}
    _send(world, "situation:area-create", outline_file=_file("centrum", json.dumps(feature).encode(), _OUTLINE))
    assert Area.objects.filter(municipality=world.municipality, outline=SQUARE).exists()


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_random_bytes_under_any_name_never_break_an_upload(world, db, name):
    upload, send = UPLOADS[name], _upload_form(world, name)

    @hypothesis_settings(max_examples=4, **HYPOTHESIS)
    @given(content=st.binary(max_size=3000), filename=st.text(max_size=40))
    def run(content, filename):
        note(f"{filename!r}: {content[:80]!r}")
        run_isolated(lambda: send(**{upload.field: _file(filename, content, upload)}))

    run()


def test_oversized_requests_are_answered_400_before_any_view(client, db):
    """Too many fields, too large a body, too many files: Django refuses them (400), the view never runs."""
    path = reverse("accounts:password_reset")
    too_many_fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    too_large = {"email": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    too_many_files = {
        f"file{n}": SimpleUploadedFile(f"{n}.txt", b"x") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    for data in (too_many_fields, too_large, too_many_files):
        assert client.post(path, data).status_code == 400


def test_a_forged_confirmation_of_the_measures_import_is_refused(world, db):
    """The confirmation sends the checked file back from the browser: a changed one is checked again."""
    client = signed_in(world, "coordinator")
    path = _path(world, "actionplans:measures-import")
    export = client.get(_path(world, "actionplans:measures-export")).getvalue().decode("utf-8-sig")
    forged = [
        export.replace("\n", "\x00\n", 2),
        export + "\n" + ";".join(["<script>alert(1)</script>"] * 20),
        "\x00" * 100,
        "not base64 at all: ÅÄÖ",
    ]
    for content in forged:
        encoded = base64.b64encode(content.encode()).decode() if "base64" not in content else content
        response = client.post(path, {"confirm": "1", "content": encoded})
        assert_sound(response, f"POST {path} with a forged file")
        if response.status_code == 302:
            assert_sound(client.get(response["Location"]), "the page after a forged confirmation")
