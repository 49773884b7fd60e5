"""Safety walks (trygghetsvandringar): writes, the photo cleaner and the follow-up report.

Every free text of a walk is checked for personal data (core/privacy.py) or masked when the user asks. Photos
are internal: they are stored re-encoded, without any metadata (GPS positions included), and served only
through a view that checks the permission. The follow-up report's PDF is rendered by a worker and cached
under a hash of its content, so any change to the walk or its observations gives a new PDF.
"""

import hashlib
import io
import logging
import unicodedata
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from core.pdf import html_to_pdf
from core.privacy import mask_personal_data, validate_no_personal_data
from situation.models import IncidentCategory, Place, SafetyWalk, WalkObservation

logger = logging.getLogger(__name__)

Outcome = WalkObservation.Outcome

# Photos: what is accepted, and what is stored.
PHOTO_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}  # MPO: the multi-picture JPEG some phone cameras write.
PHOTO_MAX_SIDE = 2000
PHOTO_JPEG_QUALITY = 85
# Decoding guards. JPEGs are decoded at a reduced scale (draft mode), so they may have more pixels.
PHOTO_MAX_PIXELS_JPEG = 120_000_000
PHOTO_MAX_PIXELS_OTHER = 50_000_000

REPORT_DIR = "situation/walk-reports"
REPORT_PDF_TEMPLATE = "situation/walk_report_pdf.html"


# ---- Reads and order ----------------------------------------------------------------------------------------

# Swedish alphabetical order puts å, ä, ö after z (the database's collation may not: the test cluster's is C).
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    """A key that sorts names as a Swedish reader expects: Åkerplan after Zinkgruvan, é as e, ü as y."""
    folded = unicodedata.normalize("NFC", text.casefold()).translate(_SWEDISH_ORDER)
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def sorted_by_name(objects) -> list:
    return sorted(objects, key=lambda obj: (swedish_sort_key(obj.name), obj.name, obj.pk))


def walks_of(municipality):
    """The municipality's walks with their counts, for the list."""
    return SafetyWalk.objects.filter(municipality=municipality).annotate(
        place_count=Count("route", distinct=True),
        observation_count=Count("observations", distinct=True),
        open_count=Count("observations", filter=Q(observations__outcome=Outcome.OPEN), distinct=True),
    )


def observations_of(walk):
    return walk.observations.select_related("place", "category__parent", "responsible_organisation").order_by("id")


def observations_in(municipality):
    """Every observation of the municipality's walks: the scope of observation URLs."""
    return WalkObservation.objects.filter(walk__municipality=municipality).select_related("walk")


# ---- Checks -----------------------------------------------------------------------------------------------


def _check_texts(texts: dict[str, str], *, mask: bool, errors: dict) -> dict[str, str]:
    """Each text masked, or refused when it holds personal data; the refusals go to `errors` per field."""
    checked = {}
    for name, text in texts.items():
        text = (text or "").strip()
        if mask:
            text = mask_personal_data(text)
        else:
            try:
                validate_no_personal_data(text)
            except ValidationError as error:
                errors.setdefault(name, []).append(error)
        checked[name] = text
    return checked


class CleanPhoto(ContentFile):
    """A photo that `photo_clean` has re-encoded: a JPEG without metadata, at most PHOTO_MAX_SIDE pixels."""


def _photo_refused(message, code, **params):
    return ValidationError(message, code=code, params=params)


def photo_clean(file) -> CleanPhoto:
    """Check that an upload is a JPEG, PNG or WebP image within the size limit, and re-encode it.

    The orientation recorded in EXIF is applied to the pixels first; then every piece of metadata (EXIF with
    GPS positions and camera serial numbers, XMP, comments, ICC profiles) is left behind, because only the
    pixels are copied into a new image. Colours are converted to sRGB so that dropping the profile does not
    change them.
    """
    max_bytes = settings.WALK_PHOTO_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size > max_bytes:
        raise _photo_refused(
            _("The photo is %(size)s; the largest photo accepted is %(max)s. Choose a smaller photo."),
            "photo_too_large",
            size=filesizeformat(size),
            max=filesizeformat(max_bytes),
        )
    not_an_image = _photo_refused(
        _("The file is not a JPEG, PNG or WebP image (or it is damaged). Choose a photo in one of those formats."),
        "photo_not_an_image",
    )
    try:
        file.seek(0)
        data = file.read()
        with warnings.catch_warnings():
            # The pixel limits below replace Pillow's own decompression-bomb warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                probe.verify()
            if image_format not in PHOTO_FORMATS:
                raise not_an_image
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            is_jpeg = image_format in ("JPEG", "MPO")
            if width * height > (PHOTO_MAX_PIXELS_JPEG if is_jpeg else PHOTO_MAX_PIXELS_OTHER):
                raise _photo_refused(
                    _("The photo has too many pixels (%(width)s × %(height)s). Choose a photo of lower resolution."),
                    "photo_too_many_pixels",
                    width=width,
                    height=height,
                )
            if is_jpeg:
                image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            image.load()
            pixels = _photo_pixels(image)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise _photo_refused(
            _("The photo has too many pixels. Choose a photo of lower resolution."), "photo_too_many_pixels"
        ) from exc
    except Exception as exc:  # Pillow raises many kinds of errors on damaged or hostile files.
        logger.info("A walk photo upload was refused: %s", exc)
        raise not_an_image from exc
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _photo_pixels(image: Image.Image) -> Image.Image:
    """The upright, downscaled sRGB pixels of `image`, in a new image that carries no metadata at all."""
    upright = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc and upright.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            upright = ImageCms.profileToProfile(upright, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile: keep the pixels as they are.
    if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    return clean


# ---- Walks --------------------------------------------------------------------------------------------------


def _route_check(route, municipality, errors):
    places = list(route or [])
    if any(place.municipality_id != municipality.pk for place in places):
        errors.setdefault("route", []).append(
            ValidationError(
                _("Choose places of %(municipality)s only."),
                code="foreign_place",
                params={"municipality": municipality.name},
            )
        )
    return places


@transaction.atomic
def walk_save(
    *,
    municipality,
    walk: SafetyWalk | None = None,
    title: str,
    date,
    route,
    participants: str = "",
    summary: str = "",
    mask: bool = False,
    by,
) -> SafetyWalk:
    """Create or change a walk. Texts with personal data are refused, or masked when `mask` is true."""
    if walk is not None and walk.municipality_id != municipality.pk:
        raise ValidationError(_("The walk belongs to another municipality."), code="foreign_walk")
    errors: dict = {}
    texts = _check_texts({"title": title, "participants": participants, "summary": summary}, mask=mask, errors=errors)
    places = _route_check(route, municipality, errors)
    if errors:
        raise ValidationError(errors)
    walk = walk or SafetyWalk(municipality=municipality)
    walk.title, walk.participants, walk.summary = texts["title"], texts["participants"], texts["summary"]
    walk.date = date
    walk._history_user = by
    walk.full_clean()
    walk.save()
    walk.route.set(places)
    return walk


def walk_create(*, municipality, title: str, date, route, participants="", summary="", mask=False, by) -> SafetyWalk:
    return walk_save(
        municipality=municipality,
        title=title,
        date=date,
        route=route,
        participants=participants,
        summary=summary,
        mask=mask,
        by=by,
    )


def walk_update(*, walk: SafetyWalk, title: str, date, route, participants="", summary="", mask=False, by):
    return walk_save(
        municipality=walk.municipality,
        walk=walk,
        title=title,
        date=date,
        route=route,
        participants=participants,
        summary=summary,
        mask=mask,
        by=by,
    )


# ---- Observations -------------------------------------------------------------------------------------------


def _delete_file_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def observation_save(
    *,
    walk: SafetyWalk,
    observation: WalkObservation | None = None,
    place: Place | None = None,
    category: IncidentCategory | None = None,
    note: str,
    mask: bool = False,
    photo=None,
    remove_photo: bool = False,
    by,
) -> WalkObservation:
    """Record or change an observation. `photo` is an upload (cleaned here) or the result of `photo_clean`.

    A replaced or removed photo is deleted from storage once the change is committed.
    """
    if observation is not None and observation.walk_id != walk.pk:
        raise ValidationError(_("The observation belongs to another walk."), code="foreign_observation")
    errors: dict = {}
    municipality_id = walk.municipality_id
    if place is not None and place.municipality_id != municipality_id:
        errors.setdefault("place", []).append(
            ValidationError(_("Choose a place of the walk's municipality."), code="foreign_place")
        )
    if category is not None and category.municipality_id != municipality_id:
        errors.setdefault("category", []).append(
            ValidationError(_("Choose a category of the walk's municipality."), code="foreign_category")
        )
    texts = _check_texts({"note": note}, mask=mask, errors=errors)
    if photo and not isinstance(photo, CleanPhoto):
        try:
            photo = photo_clean(photo)
        except ValidationError as error:
            errors.setdefault("photo", []).append(error)
    if errors:
        raise ValidationError(errors)

    observation = observation or WalkObservation(walk=walk)
    observation.place, observation.category, observation.note = place, category, texts["note"]
    old_photo = observation.photo.name if observation.photo else ""
    if photo:
        observation.photo.save(photo.name, photo, save=False)
    elif remove_photo:
        observation.photo = ""
    observation._history_user = by
    try:
        observation.full_clean()
        observation.save()
    except Exception:
        if photo:  # The new file would belong to nothing.
            default_storage.delete(observation.photo.name)
        raise
    if old_photo and old_photo != observation.photo.name:
        _delete_file_on_commit(old_photo)
    return observation


@transaction.atomic
def observation_set_outcome(
    *,
    observation: WalkObservation,
    outcome: str,
    proposed_measure: str = "",
    responsible_organisation=None,
    closed_reason: str = "",
    mask: bool = False,
    by,
) -> WalkObservation:
    """Decide what becomes of an observation: a proposed measure with a responsible organisation of the
    municipality, closed with a reason, or back to not yet handled. The texts of other outcomes are cleared."""
    errors: dict = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [ValidationError(_("Choose what becomes of the observation."), code="bad_outcome")]
    municipality = observation.walk.municipality
    if outcome == Outcome.MEASURE:
        texts = _check_texts({"proposed_measure": proposed_measure}, mask=mask, errors=errors)
        if not texts["proposed_measure"]:
            errors.setdefault("proposed_measure", []).append(
                ValidationError(_("Describe the proposed measure."), code="measure_missing")
            )
        if responsible_organisation is None:
            errors.setdefault("responsible_organisation", []).append(
                ValidationError(_("Choose the organisation responsible for the measure."), code="organisation_missing")
            )
        elif responsible_organisation.municipality_id != municipality.pk:
            errors.setdefault("responsible_organisation", []).append(
                ValidationError(
                    _("Choose an organisation of %(municipality)s."),
                    code="foreign_organisation",
                    params={"municipality": municipality.name},
                )
            )
        values = (texts["proposed_measure"], responsible_organisation, "")
    elif outcome == Outcome.CLOSED:
        texts = _check_texts({"closed_reason": closed_reason}, mask=mask, errors=errors)
        if not texts["closed_reason"]:
            errors.setdefault("closed_reason", []).append(
                ValidationError(_("Say why the observation is closed."), code="reason_missing")
            )
        values = ("", None, texts["closed_reason"])
    else:
        values = ("", None, "")
    if errors:
        raise ValidationError(errors)
    observation.outcome = outcome
    observation.proposed_measure, observation.responsible_organisation, observation.closed_reason = values
    observation._history_user = by
    observation.full_clean()
    observation.save(
        update_fields=["outcome", "proposed_measure", "responsible_organisation", "closed_reason", "updated_at"]
    )
    return observation


# ---- The follow-up report -------------------------------------------------------------------------------------


def walk_report_context(walk: SafetyWalk) -> dict:
    observations = list(observations_of(walk))
    counts = dict.fromkeys(Outcome.values, 0)
    for observation in observations:
        counts[observation.outcome] += 1
    return {
        "walk": walk,
        "municipality": walk.municipality,
        "route": sorted_by_name(walk.route.all()),
        "observations": observations,
        "outcome_counts": [(label, counts[value]) for value, label in Outcome.choices],
    }


def walk_report_html(walk: SafetyWalk) -> str:
    """The HTML the PDF is made from, always in Swedish: the residents' and the council's language."""
    with translation.override("sv"):
        return render_to_string(REPORT_PDF_TEMPLATE, walk_report_context(walk))


def walk_report_pdf_name(walk: SafetyWalk, html: str) -> str:
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:24]
    return f"{REPORT_DIR}/{walk.pk}/{digest}.pdf"


def walk_report_pdf_ready(walk: SafetyWalk) -> str | None:
    """The stored PDF of the walk as it is now, or None when it has not been rendered (or the walk changed)."""
    name = walk_report_pdf_name(walk, walk_report_html(walk))
    return name if default_storage.exists(name) else None


def walk_report_render(*, walk_id: int) -> str | None:
    """Render the walk's report to PDF unless the current version is already stored; drop older versions."""
    walk = SafetyWalk.objects.select_related("municipality").filter(pk=walk_id).first()
    if walk is None:
        return None
    html = walk_report_html(walk)
    name = walk_report_pdf_name(walk, html)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(html_to_pdf(html)))
        if saved != name:  # Another worker stored the same version meanwhile.
            default_storage.delete(saved)
    folder = f"{REPORT_DIR}/{walk.pk}"
    _folders, files = default_storage.listdir(folder)
    for file_name in files:
        if f"{folder}/{file_name}" != name:
            default_storage.delete(f"{folder}/{file_name}")
    return name
