"""Safety walks: route, observations with the privacy guard, cleaned photos, outcomes, the follow-up report and
its PDF (rendered by a real worker), and who may see and do what."""

import io
import re
import time
from datetime import date

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from situation import walks
from situation.categories import categories_for
from situation.models import Place, SafetyWalk, WalkObservation
from tests.factories import OrganisationFactory

PERSONNUMMER = "811218-9876"  # Skatteverket's example number: a valid checksum, nobody's number.


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    """UI text in English (the source strings), for assertions on messages whose Swedish is the lead's."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def places(tenant):
    make = lambda name, municipality=tenant.municipality: Place.objects.create(  # noqa: E731
        municipality=municipality, name=name
    )
    return {
        "torget": make("Åkerplan"),
        "angen": make("Ängsvägen"),
        "parken": make("Östra parken"),
        "skolan": make("Bäckskolans gård"),
        "grannby": make("Grannby torg", tenant.other_municipality),
    }


@pytest.fixture
def walk(tenant, places):
    return walks.walk_create(
        municipality=tenant.municipality,
        title="Kvällsvandring i Östra stan",
        date=date(2025, 10, 14),
        route=[places["torget"], places["angen"], places["parken"]],
        participants="Fältassistenter, kommunpolisen, Bostadsbolaget",
        summary="Mörka partier längs gångvägen och nedskräpning vid Åkerplan.",
        by=tenant.coordinator,
    )


def _url(name, **kwargs):
    return reverse(f"situation:{name}", kwargs={"kommun": "testkoping", **kwargs})


def _observation(walk, tenant, note="Trasig belysning i gångtunneln – mörkt och ödsligt.", place=None, **extra):
    return walks.observation_save(walk=walk, place=place, note=note, by=tenant.coordinator, **extra)


def _jpeg(size=(3000, 1500), orientation=6, gps=True, fmt="JPEG") -> bytes:
    """A camera-like photo: a red block in the stored top-left corner, EXIF with orientation, camera and GPS."""
    image = Image.new("RGB", size, "white")
    image.paste((255, 0, 0), (0, 0, 300, 300))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (57.0, 30.0, 12.5),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (14.0, 7.0, 3.25),
        }
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _compact(text: str) -> str:
    """PDF text without whitespace: table cells wrap anywhere, even inside words."""
    return "".join(text.split())


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


# ---- Walks ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_creates_a_walk_with_a_route_of_the_municipalitys_places(client, tenant, places):
    client.force_login(tenant.coordinator)
    form = client.get(_url("walk-create")).content.decode()
    # The route offers the municipality's places in Swedish alphabetical order (å, ä, ö after z), none of
    # the neighbour's.
    positions = [form.index(name) for name in ("Bäckskolans gård", "Åkerplan", "Ängsvägen", "Östra parken")]
    assert positions == sorted(positions)
    assert "Grannby torg" not in form

    response = client.post(
        _url("walk-create"),
        {
            "title": "Trygghetsvandring Ängsvägen",
            "date": "2025-09-30",
            "route": [places["angen"].pk, places["parken"].pk],
            "participants": "Fältassistenter, kommunpolisen",
            "summary": "",
        },
    )
    walk = SafetyWalk.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("walk-detail", pk=walk.pk)
    assert walk.municipality == tenant.municipality and walk.date == date(2025, 9, 30)
    assert set(walk.route.all()) == {places["angen"], places["parken"]}
    page = client.get(response["Location"]).content.decode()
    assert "Trygghetsvandring Ängsvägen" in page and "Östra parken" in page and "Åkerplan" not in page


@pytest.mark.django_db
def test_a_place_of_another_municipality_cannot_be_put_on_the_route(client, tenant, places):
    client.force_login(tenant.coordinator)
    response = client.post(
        _url("walk-create"), {"title": "Vandring", "date": "2025-09-30", "route": [places["grannby"].pk]}
    )
    assert response.status_code == 200
    assert not SafetyWalk.objects.exists()
    assert 'value="Vandring"' in response.content.decode()


@pytest.mark.django_db
def test_editing_a_walk_changes_its_route(client, tenant, places, walk):
    client.force_login(tenant.users["police"])
    form = client.get(_url("walk-update", pk=walk.pk)).content.decode()
    assert 'value="Kvällsvandring i Östra stan"' in form
    response = client.post(
        _url("walk-update", pk=walk.pk),
        {"title": "Kvällsvandring, ny rutt", "date": "2025-10-15", "route": [places["skolan"].pk]},
    )
    assert response.status_code == 302
    walk.refresh_from_db()
    assert walk.title == "Kvällsvandring, ny rutt" and list(walk.route.all()) == [places["skolan"]]


# ---- Observations and the privacy guard ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_observation_with_a_personnummer_is_refused_in_swedish_and_kept_in_the_form(client, tenant, places, walk):
    client.force_login(tenant.coordinator)
    note = f"Bilen som står vid bommen tillhör {PERSONNUMMER}, enligt grannarna."
    response = client.post(_url("walk-observation-create", pk=walk.pk), {"place": places["angen"].pk, "note": note})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Texten innehåller ett personnummer" in page
    assert "Ta bort personuppgifter åt mig" in page
    assert note in page, "the note is kept in the form"
    assert f'<option value="{places["angen"].pk}" selected>' in page, "the chosen place is kept"
    assert not WalkObservation.objects.exists()


@pytest.mark.django_db
def test_an_observation_with_a_personnummer_is_saved_masked_when_the_box_is_ticked(client, tenant, places, walk):
    client.force_login(tenant.coordinator)
    category = categories_for(tenant.municipality).get(name="Nedskräpning")
    response = client.post(
        _url("walk-observation-create", pk=walk.pk),
        {
            "place": places["angen"].pk,
            "category": category.pk,
            "note": f"Skräp vid bommen, lapp med {PERSONNUMMER} och 070-123 45 67.",
            "mask_personal_data": "on",
        },
    )
    observation = WalkObservation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("walk-detail", pk=walk.pk) + f"#observation-{observation.pk}"
    assert observation.note == "Skräp vid bommen, lapp med […] och […]."
    assert observation.place == places["angen"] and observation.category == category
    assert observation.outcome == WalkObservation.Outcome.OPEN


@pytest.mark.django_db
def test_the_route_places_are_offered_first_when_recording_an_observation(client, tenant, places, walk):
    client.force_login(tenant.coordinator)
    page = client.get(_url("walk-observation-create", pk=walk.pk)).content.decode()
    assert page.index("Åkerplan") < page.index("Östra parken") < page.index("Bäckskolans gård")
    assert "Grannby torg" not in page


# ---- Photos ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_photo_is_stored_upright_downscaled_and_without_any_exif(client, tenant, walk):
    client.force_login(tenant.coordinator)
    original = _jpeg()
    assert b"Exif" in original and b"Testkamera" in original
    response = client.post(
        _url("walk-observation-create", pk=walk.pk),
        {"note": "Klotter på elskåpet.", "photo": SimpleUploadedFile("IMG_0001.jpg", original, "image/jpeg")},
    )
    assert response.status_code == 302
    observation = WalkObservation.objects.get()
    assert "IMG_0001" not in observation.photo.name, "the uploaded file name is not kept"
    with observation.photo.open("rb") as handle:
        stored = handle.read()
    assert b"Exif" not in stored and b"Testkamera" not in stored and b"GPS" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif() and not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    # Orientation 6 turns the 3000 × 1500 landscape into a 1500 × 3000 portrait; then at most 2000 px.
    assert image.size == (1000, 2000)
    # The red block of the stored top-left corner is shown top right once the photo is turned.
    red, green, blue = image.getpixel((990, 10))
    assert red > 200 and green < 60 and blue < 60
    assert image.getpixel((10, 10)) > (240, 240, 240)


@pytest.mark.django_db
def test_photo_clean_flattens_transparent_png_and_webp():
    for fmt in ("PNG", "WEBP"):
        image = Image.new("RGBA", (40, 30), (0, 0, 255, 0))
        out = io.BytesIO()
        image.save(out, fmt)
        cleaned = walks.photo_clean(SimpleUploadedFile(f"bild.{fmt.lower()}", out.getvalue()))
        result = Image.open(io.BytesIO(cleaned.read()))
        assert result.format == "JPEG" and result.size == (40, 30) and result.mode == "RGB"
        assert result.getpixel((5, 5)) > (240, 240, 240), "transparency becomes white, not black"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.jpg", b"this is not a photo at all", "The file is not a JPEG, PNG or WebP image"),
        ("foto.gif", None, "The file is not a JPEG, PNG or WebP image"),
        ("stort.jpg", "large", "the largest photo accepted is 2.0\xa0KB"),
    ],
)
def test_a_non_image_or_oversized_upload_is_refused_with_a_clear_message(
    english, tenant, walk, settings, name, content, message
):
    settings.WALK_PHOTO_MAX_BYTES = 2048
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (10, 10), "red").save(out, "GIF")
        content = out.getvalue()
    elif content == "large":
        content = _jpeg(size=(400, 300), gps=False)
        assert len(content) > 2048
    english.force_login(tenant.coordinator)
    response = english.post(
        _url("walk-observation-create", pk=walk.pk),
        {"note": "Nedklottrad busskur vid Åkerplan.", "photo": SimpleUploadedFile(name, content, "image/jpeg")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nedklottrad busskur vid Åkerplan." in page, "the note is kept"
    assert not WalkObservation.objects.exists()
    assert not default_storage.exists("situation/walks") or not default_storage.listdir("situation/walks")[1]


@pytest.mark.django_db
def test_replacing_and_removing_a_photo_deletes_the_old_file(django_capture_on_commit_callbacks, tenant, walk):
    with django_capture_on_commit_callbacks(execute=True):
        observation = _observation(walk, tenant, photo=SimpleUploadedFile("a.jpg", _jpeg(size=(60, 40))))
    first = observation.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        _observation(walk, tenant, observation=observation, photo=SimpleUploadedFile("b.png", _jpeg(fmt="PNG")))
    second = observation.photo.name
    assert second != first and default_storage.exists(second) and not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        _observation(walk, tenant, observation=observation, remove_photo=True)
    observation.refresh_from_db()
    assert not observation.photo and not default_storage.exists(second)


@pytest.mark.django_db
def test_the_photo_is_served_only_to_the_councils_people_of_its_municipality(client, tenant, walk):
    observation = _observation(walk, tenant, photo=SimpleUploadedFile("a.jpg", _jpeg(size=(80, 60))))
    url = _url("walk-observation-photo", pk=observation.pk)

    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")

    for role, expected in [("reporter", 403), ("other_coordinator", 403), ("member", 200), ("police", 200)]:
        client.force_login(tenant.users[role])
        response = client.get(url)
        assert response.status_code == expected, role
        if expected == 200:
            assert response["Content-Type"] == "image/jpeg" and "private" in response["Cache-Control"]
            assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"

    client.force_login(tenant.users["other_coordinator"])
    foreign = reverse("situation:walk-observation-photo", kwargs={"kommun": "grannby", "pk": observation.pk})
    assert client.get(foreign).status_code == 404

    client.force_login(tenant.coordinator)
    page = client.get(_url("walk-detail", pk=walk.pk)).content.decode()
    assert url in page and "/media/" not in page


# ---- Outcomes ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposed_measure_without_a_responsible_organisation_is_refused(english, tenant, walk):
    observation = _observation(walk, tenant)
    english.force_login(tenant.users["police"])
    url = _url("walk-observation-outcome", pk=observation.pk)
    response = english.post(url, {"outcome": "measure", "proposed_measure": "Byt armaturerna i gångtunneln."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the organisation responsible for the measure." in page
    assert "Byt armaturerna i gångtunneln." in page, "the measure text is kept"
    observation.refresh_from_db()
    assert observation.outcome == "open" and observation.proposed_measure == ""

    response = english.post(url, {"outcome": "closed", "closed_reason": ""})
    assert "Say why the observation is closed." in response.content.decode()

    foreign = OrganisationFactory(municipality=tenant.other_municipality, name="Grannby kommun")
    response = english.post(
        url, {"outcome": "measure", "proposed_measure": "Byt armaturerna.", "responsible_organisation": foreign.pk}
    )
    assert response.status_code == 200
    observation.refresh_from_db()
    assert observation.outcome == "open"


@pytest.mark.django_db
def test_outcome_errors_are_shown_in_swedish(client, tenant, walk):
    observation = _observation(walk, tenant)
    client.force_login(tenant.coordinator)
    response = client.post(
        _url("walk-observation-outcome", pk=observation.pk), {"outcome": "closed", "closed_reason": "  "}
    )
    assert "Ange varför iakttagelsen avslutas." in response.content.decode()


@pytest.mark.django_db
def test_outcomes_are_saved_and_switching_clears_the_other_outcomes_text(client, tenant, walk):
    observation = _observation(walk, tenant)
    client.force_login(tenant.coordinator)
    url = _url("walk-observation-outcome", pk=observation.pk)
    response = client.post(
        url,
        {
            "outcome": "measure",
            "proposed_measure": "Byt armaturerna i gångtunneln.",
            "responsible_organisation": tenant.organisation.pk,
            "closed_reason": "blir bortrensat",
        },
    )
    assert response.status_code == 302
    observation.refresh_from_db()
    assert (observation.outcome, observation.responsible_organisation) == ("measure", tenant.organisation)
    assert observation.closed_reason == ""

    response = client.post(url, {"outcome": "closed", "closed_reason": "Åtgärdat av Bostadsbolaget i september."})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.outcome == "closed" and observation.proposed_measure == ""
    assert observation.responsible_organisation is None


# ---- The follow-up report --------------------------------------------------------------------------------------


def _three_outcomes(walk, tenant, places):
    measure = _observation(
        walk, tenant, place=places["angen"], note="Trasig belysning i gångtunneln, mörkt och ödsligt."
    )
    walks.observation_set_outcome(
        observation=measure,
        outcome="measure",
        proposed_measure="Byt armaturerna och röj buskagen.",
        responsible_organisation=tenant.organisation,
        by=tenant.coordinator,
    )
    closed = _observation(walk, tenant, place=places["torget"], note="Klotter på återvinningsstationen.")
    walks.observation_set_outcome(
        observation=closed, outcome="closed", closed_reason="Sanerat av fastighetsägaren.", by=tenant.coordinator
    )
    waiting = _observation(walk, tenant, place=places["parken"], note="Övervuxen gångväg längs ån.")
    return measure, closed, waiting


@pytest.mark.django_db
def test_the_report_lists_every_observations_outcome(client, tenant, places, walk):
    _three_outcomes(walk, tenant, places)
    client.force_login(tenant.users["member"])
    page = client.get(_url("walk-report", pk=walk.pk)).content.decode()
    for text in (
        "Trasig belysning i gångtunneln, mörkt och ödsligt.",
        "Föreslagen åtgärd",
        "Byt armaturerna och röj buskagen.",
        "Testköpings kommun",
        "Klotter på återvinningsstationen.",
        "Sanerat av fastighetsägaren.",
        "Övervuxen gångväg längs ån.",
        "Inte hanterad ännu",
    ):
        assert text in page, text
    assert page.index("gångtunneln") < page.index("återvinningsstationen") < page.index("Övervuxen")


@pytest.mark.django_db
def test_the_report_pdf_is_cached_under_a_hash_of_its_content(tenant, places, walk):
    measure, _closed, _waiting = _three_outcomes(walk, tenant, places)
    assert walks.walk_report_pdf_ready(walk) is None
    first = walks.walk_report_render(walk_id=walk.pk)
    assert walks.walk_report_pdf_ready(walk) == first
    assert walks.walk_report_render(walk_id=walk.pk) == first, "an unchanged walk is not rendered again"

    walks.observation_set_outcome(
        observation=measure, outcome="closed", closed_reason="Belysningen är lagad.", by=tenant.coordinator
    )
    assert walks.walk_report_pdf_ready(walk) is None, "a changed observation makes the stored PDF stale"
    second = walks.walk_report_render(walk_id=walk.pk)
    assert second != first and not default_storage.exists(first)
    assert "Belysningenärlagad." in _compact(_pdf_text(default_storage.open(second).read()))

    walks.walk_update(
        walk=walk, title="Nytt namn på vandringen", date=walk.date, route=[places["angen"]], by=tenant.coordinator
    )
    assert walks.walk_report_pdf_ready(walk) is None, "a changed walk makes the stored PDF stale"


def test_the_report_pdf_is_rendered_by_the_worker_and_lists_the_observations(client, tenant, places, celery_worker):
    walk = walks.walk_create(
        municipality=tenant.municipality,
        title="Höstvandring på Ängsvägen",
        date=date(2025, 10, 14),
        route=[places["angen"], places["parken"]],
        participants="Fältassistenter, kommunpolisen",
        by=tenant.coordinator,
    )
    _three_outcomes(walk, tenant, places)
    _observation(walk, tenant, note="Skymd skylt.", photo=SimpleUploadedFile("a.jpg", _jpeg(size=(80, 60))))
    client.force_login(tenant.users["member"])
    url = _url("walk-report-pdf", pk=walk.pk)

    first = client.get(url)
    assert first.status_code == 202 and first["Retry-After"] == "2"
    assert "PDF:en förbereds" in first.content.decode()
    assert _wait_for(lambda: walks.walk_report_pdf_ready(walk)), "the worker never rendered the PDF"

    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and polled["HX-Redirect"] == url
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert "/StructTreeRoot" in pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"], "the PDF is not tagged"
    compact = _compact(_pdf_text(data))
    for expected in (
        "Höstvandring på Ängsvägen",
        "Ängsvägen",
        "Östra parken",
        "Åkerplan",
        "Trasig belysning i gångtunneln, mörkt och ödsligt.",
        "Byt armaturerna och röj buskagen.",
        "Testköpings kommun",
        "Sanerat av fastighetsägaren.",
        "Övervuxen gångväg längs ån.",
        "Föreslagen åtgärd",
        "Avslutad",
        "Inte hanterad ännu",
    ):
        assert _compact(expected) in compact, expected


# ---- Permissions ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reporters_and_other_municipalities_are_refused_and_members_only_read(client, tenant, walk):
    observation = _observation(walk, tenant)
    read = [
        _url("walk-list"),
        _url("walk-detail", pk=walk.pk),
        _url("walk-report", pk=walk.pk),
    ]
    manage = [
        _url("walk-create"),
        _url("walk-update", pk=walk.pk),
        _url("walk-observation-create", pk=walk.pk),
        _url("walk-observation-update", pk=observation.pk),
        _url("walk-observation-outcome", pk=observation.pk),
    ]
    for role in ("reporter", "other_coordinator"):
        client.force_login(tenant.users[role])
        for url in [*read, *manage]:
            assert client.get(url).status_code == 403, (role, url)

    client.force_login(tenant.users["member"])
    for url in read:
        assert client.get(url).status_code == 200, url
    for url in manage:
        assert client.get(url).status_code == 403, url
    detail = client.get(_url("walk-detail", pk=walk.pk)).content.decode()
    assert _url("walk-observation-outcome", pk=observation.pk) not in detail

    response = client.post(
        _url("walk-observation-outcome", pk=observation.pk), {"outcome": "closed", "closed_reason": "Inget att göra."}
    )
    assert response.status_code == 403
    response = client.post(_url("walk-observation-create", pk=walk.pk), {"note": "Obehörig iakttagelse."})
    assert response.status_code == 403
    observation.refresh_from_db()
    assert observation.outcome == "open" and walk.observations.count() == 1

    for role in ("police", "coordinator"):
        client.force_login(tenant.users[role])
        for url in [*read, *manage]:
            assert client.get(url).status_code == 200, (role, url)

    client.logout()
    response = client.get(_url("walk-list"))
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")


@pytest.mark.django_db
def test_another_municipalitys_walk_id_under_ones_own_slug_answers_404(client, tenant, walk):
    observation = _observation(walk, tenant)
    client.force_login(tenant.users["other_coordinator"])
    own = {"kommun": "grannby"}
    for name, pk in [
        ("walk-detail", walk.pk),
        ("walk-update", walk.pk),
        ("walk-report", walk.pk),
        ("walk-report-pdf", walk.pk),
        ("walk-observation-create", walk.pk),
        ("walk-observation-update", observation.pk),
        ("walk-observation-outcome", observation.pk),
        ("walk-observation-photo", observation.pk),
    ]:
        assert client.get(reverse(f"situation:{name}", kwargs={**own, "pk": pk})).status_code == 404, name
    response = client.post(
        reverse("situation:walk-observation-outcome", kwargs={**own, "pk": observation.pk}),
        {"outcome": "closed", "closed_reason": "Fel kommun."},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_edit_forms_start_from_the_saved_values(client, tenant, walk):
    observation = _observation(walk, tenant, note="Mörk gångtunnel.")
    walks.observation_set_outcome(
        observation=observation, outcome="closed", closed_reason="Redan anmält till gatuenheten.", by=tenant.coordinator
    )
    client.force_login(tenant.coordinator)
    page = client.get(_url("walk-update", pk=walk.pk)).content.decode()
    assert 'value="Kvällsvandring i Östra stan"' in page and 'value="2025-10-14"' in page
    assert "Mörka partier längs gångvägen" in page
    checked = {int(pk) for pk in re.findall(r'<input[^>]*name="route"[^>]*value="(\d+)"[^>]*checked', page)}
    assert checked == set(walk.route.values_list("pk", flat=True))
    page = client.get(_url("walk-observation-update", pk=observation.pk)).content.decode()
    assert "Mörk gångtunnel." in page
    page = client.get(_url("walk-observation-outcome", pk=observation.pk)).content.decode()
    assert "Redan anmält till gatuenheten." in page and 'value="closed"' in page


@pytest.mark.django_db
def test_a_walks_texts_are_checked_for_personal_data_too(english, tenant, places):
    english.force_login(tenant.coordinator)
    data = {"title": "Vandring i centrum", "date": "2025-09-30", "summary": "Ring Kim på 070-123 45 67 efteråt."}
    response = english.post(_url("walk-create"), data)
    assert response.status_code == 200 and "a phone number" in response.content.decode()
    assert not SafetyWalk.objects.exists()
    response = english.post(_url("walk-create"), {**data, "mask_personal_data": "on"})
    assert response.status_code == 302
    assert SafetyWalk.objects.get().summary == "Ring Kim på […] efteråt."


@pytest.mark.django_db
def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded(english, tenant, walk):
    out = io.BytesIO()
    Image.new("1", (9000, 9000), 1).save(out, "PNG")  # 81 million pixels in a few kilobytes.
    english.force_login(tenant.coordinator)
    response = english.post(
        _url("walk-observation-create", pk=walk.pk),
        {"note": "Skylt.", "photo": SimpleUploadedFile("stor.png", out.getvalue(), "image/png")},
    )
    assert response.status_code == 200
    assert "The photo has too many pixels (9000 × 9000)" in response.content.decode()
    assert not WalkObservation.objects.exists()
