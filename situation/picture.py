"""The situation picture document (lägesbild): writes, the figures behind it, adoption and its PDF.

A picture is a draft until the coordinator records its adoption. Adoption freezes the figures of the period into
`SituationPicture.figures`, and from then on the picture is read-only: a correction is a new picture. The public
page `/<kommun>/lagesbild/` reads only the frozen "public" part of the latest adopted picture, never incidents.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pdf import render_pdf, stored_file_exists
from core.privacy import KIND_LABELS, find_personal_data
from core.tasks import enqueue_on_commit
from situation.models import (
    Area,
    CrimeStatistic,
    Incident,
    IncidentCategory,
    PoliceEvent,
    SituationPicture,
    SituationProblem,
    Visibility,
)

FIGURES_VERSION = 1
# Public counts below this are shown as "fewer than 5", never as the number.
SUPPRESSION_THRESHOLD = 5
# Public cell states: the count is shown; it is under the threshold; or it is held back so that the small counts
# cannot be worked out from the rest (see `_protect`).
SHOWN, SUPPRESSED, WITHHELD = "shown", "suppressed", "withheld"

PICTURE_FIELDS = ("title", "period_start", "period_end", "crime_mapping", "other_information", "cause_analysis")
TEXT_FIELDS = ("crime_mapping", "other_information", "cause_analysis", "public_summary")
LAW_PARTS = ("crime_mapping", "other_information", "cause_analysis")
PROBLEM_FIELDS = ("title", "description", "evidence", "order")
PROBLEM_TEXT_FIELDS = ("title", "description", "evidence")


# ---- Reads ----------------------------------------------------------------------------------------------


def pictures_of(municipality):
    return SituationPicture.objects.filter(municipality=municipality).select_related("adopted_recorded_by")


def problems_of(picture):
    return picture.problems.prefetch_related("categories__parent", "areas")


def latest_adopted_picture(*, municipality) -> SituationPicture | None:
    """The adopted picture residents see: the newest period, and of two for one period the later adoption."""
    return (
        SituationPicture.objects.adopted()
        .filter(municipality=municipality)
        .order_by("-period_end", "-adopted_at", "-pk")
        .first()
    )


def picture_figures(*, municipality, start: date, end: date, public_only: bool = False) -> dict:
    """The figures of a period, as one JSON-ready document.

    Internal (`public_only=False`): incidents by category and by area, crime statistics and police events of the
    period, plus the "public" part. Police-only incidents are left out: the document is read by every council
    member and adopted by a political body; the police bring what they can share through the text.

    Public (`public_only=True`): only incidents marked public, by category and by area, with small counts already
    suppressed (`_protect`), so that nothing stored under "public" can reveal them.
    """
    incidents = Incident.objects.filter(
        municipality=municipality, occurred_at__gte=_day_start(start), occurred_at__lt=_day_start(end + timedelta(1))
    )
    if public_only:
        incidents = incidents.filter(visibility=Visibility.PUBLIC)
    else:
        incidents = incidents.exclude(visibility=Visibility.POLICE)
    by_category, by_area = _incident_counts(municipality, incidents)
    document = {
        "version": FIGURES_VERSION,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "generated_at": timezone.now().isoformat(),
    }
    if public_only:
        (by_category, by_area), total = _protect(
            [
                [{"name": row["name"], "count": row["count"]} for row in by_category],
                [{"name": row["name"], "no_area": row["id"] is None, "count": row["count"]} for row in by_area],
            ]
        )
        document.update(threshold=SUPPRESSION_THRESHOLD, total=total, by_category=by_category, by_area=by_area)
        return document
    document["incidents"] = {
        "total": sum(row["count"] for row in by_category),
        "by_category": by_category,
        "by_area": by_area,
    }
    document["statistics"] = _statistics(municipality, start, end)
    document["police_events"] = _police_events(municipality, start, end)
    document["public"] = picture_figures(municipality=municipality, start=start, end=end, public_only=True)
    return document


def picture_current_figures(picture: SituationPicture) -> dict:
    """The frozen figures of an adopted picture; for a draft, the figures as they stand now."""
    if picture.status == SituationPicture.Status.ADOPTED and picture.figures:
        return picture.figures
    return picture_figures(municipality=picture.municipality, start=picture.period_start, end=picture.period_end)


def picture_history(*, picture: SituationPicture, limit: int = 10) -> list[dict]:
    """The latest changes of the picture and its problem areas: when, who, what."""
    entries = []
    records = list(picture.history.select_related("history_user").order_by("history_date", "history_id"))
    previous = None
    for record in records:
        fields = []
        if previous is not None and record.history_type == "~":
            fields = [
                str(SituationPicture._meta.get_field(change.field).verbose_name)
                for change in record.diff_against(previous, excluded_fields=["updated_at", "pdf"]).changes
            ]
        if record.history_type == "~" and not fields and previous is not None:
            previous = record
            continue
        if record.history_type == "+":
            what = _("Created")
        elif previous is not None and previous.status != record.status and record.status == "adopted":
            what, fields = _("Adopted"), []
        else:
            what = _("Changed")
        entries.append({"when": record.history_date, "who": record.history_user, "what": what, "fields": fields})
        previous = record
    problem_records = SituationProblem.history.filter(picture_id=picture.pk).select_related("history_user")
    labels = {"+": _("Problem area added"), "-": _("Problem area removed")}
    last_seen = {}
    for record in problem_records.order_by("history_date", "history_id"):
        before = last_seen.get(record.id)
        last_seen[record.id] = record
        # Saving a problem area and then its categories and areas makes several records within a moment: one entry.
        if (
            before is not None
            and record.history_type == "~"
            and record.history_user_id == before.history_user_id
            and record.history_date - before.history_date < timedelta(seconds=5)
        ):
            continue
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": labels.get(record.history_type, _("Problem area changed")),
                "fields": [record.title],
            }
        )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:limit]


# ---- Writes ---------------------------------------------------------------------------------------------


def picture_check_draft(picture: SituationPicture) -> None:
    if picture.status != SituationPicture.Status.DRAFT:
        raise ValidationError(
            _(
                "This situation picture is adopted and can no longer be changed. "
                "To correct it, start a new version of it and adopt that."
            ),
            code="adopted",
        )


def _check_texts(values: dict, names) -> None:
    """A situation picture is about places and situations: refuse texts that point out individuals."""
    errors = {}
    for name in names:
        findings = find_personal_data(values.get(name) or "")
        if findings:
            found = "; ".join(f"{KIND_LABELS[f.kind]} (”{f.text}”)" for f in findings)
            errors[name] = ValidationError(
                _(
                    "The text contains %(found)s. A situation picture is about places and situations, never "
                    "individuals: remove it."
                ),
                code="personal_data",
                params={"found": found},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def picture_create(*, municipality, by, data: dict) -> SituationPicture:
    _check_texts(data, TEXT_FIELDS)
    picture = SituationPicture(
        municipality=municipality, **{k: data.get(k, "") for k in (*PICTURE_FIELDS, "public_summary")}
    )
    picture._history_user = by
    picture.full_clean()
    picture.save()
    return picture


@transaction.atomic
def picture_update(*, picture: SituationPicture, by, data: dict) -> SituationPicture:
    picture = _locked(picture)
    picture_check_draft(picture)
    _check_texts(data, TEXT_FIELDS)
    for name in (*PICTURE_FIELDS, "public_summary"):
        if name in data:
            setattr(picture, name, data[name])
    picture._history_user = by
    picture.full_clean()
    picture.save()
    return picture


@transaction.atomic
def problem_save(*, picture: SituationPicture, by, data: dict, problem: SituationProblem | None = None):
    """Add or change a problem area; its categories and areas must be the picture's municipality's."""
    picture = _locked(picture)
    picture_check_draft(picture)
    _check_texts(data, PROBLEM_TEXT_FIELDS)
    categories = list(data.get("categories") or [])
    areas = list(data.get("areas") or [])
    foreign = [c for c in categories if c.municipality_id != picture.municipality_id] + [
        a for a in areas if a.municipality_id != picture.municipality_id
    ]
    if foreign:
        raise ValidationError(_("Choose categories and areas of this municipality."), code="other_municipality")
    problem = problem or SituationProblem(picture=picture)
    if problem.picture_id != picture.pk:
        raise ValidationError(_("The problem area belongs to another situation picture."), code="other_picture")
    for name in PROBLEM_FIELDS:
        if name in data:
            setattr(problem, name, data[name] if data[name] is not None else 0)
    problem._history_user = by
    problem.full_clean(exclude=["picture"])
    problem.save()
    problem.categories.set(categories)
    problem.areas.set(areas)
    return problem


@transaction.atomic
def problem_delete(*, problem: SituationProblem, by) -> None:
    picture_check_draft(_locked(problem.picture))
    problem._history_user = by
    problem.delete()


@transaction.atomic
def picture_adopt(*, picture: SituationPicture, by, body: str, date: date) -> SituationPicture:
    """Record that `body` adopted the picture on `date`, freeze its figures and queue its PDF.

    Refused for a picture that is already adopted, without the three parts the law names, or with an adoption
    date in the future.
    """
    picture = _locked(picture)
    picture_check_draft(picture)
    problems = []
    missing = [
        str(SituationPicture._meta.get_field(name).verbose_name)
        for name in LAW_PARTS
        if not getattr(picture, name).strip()
    ]
    if missing:
        problems.append(
            ValidationError(
                _("The law names three parts of a situation picture; fill in %(parts)s before adoption."),
                code="missing_parts",
                params={"parts": ", ".join(missing)},
            )
        )
    if not (body or "").strip():
        problems.append(ValidationError(_("Say which body adopted the situation picture."), code="no_body"))
    if date is None:
        problems.append(ValidationError(_("Give the date of the adoption."), code="no_date"))
    elif date > timezone.localdate():
        problems.append(
            ValidationError(
                _("The adoption date is in the future; record the adoption once it has been decided."),
                code="future_date",
            )
        )
    if problems:
        raise ValidationError(problems)
    picture.figures = picture_figures(
        municipality=picture.municipality, start=picture.period_start, end=picture.period_end
    )
    picture.status = SituationPicture.Status.ADOPTED
    picture.adopted_at = date
    picture.adopted_by_body = body.strip()
    picture.adopted_recorded_by = by
    picture._history_user = by
    picture.full_clean()
    picture.save(
        update_fields=["figures", "status", "adopted_at", "adopted_by_body", "adopted_recorded_by", "updated_at"]
    )
    from situation.tasks import render_picture_pdf_task

    enqueue_on_commit(render_picture_pdf_task, picture.pk)
    return picture


@transaction.atomic
def picture_new_version(*, picture: SituationPicture, by) -> SituationPicture:
    """A new draft with the texts and problem areas of `picture`: how an adopted picture is corrected."""
    copy = SituationPicture(
        municipality=picture.municipality,
        **{name: getattr(picture, name) for name in (*PICTURE_FIELDS, "public_summary")},
    )
    copy._history_user = by
    copy.full_clean()
    copy.save()
    for problem in problems_of(picture):
        new = SituationProblem(picture=copy, **{name: getattr(problem, name) for name in PROBLEM_FIELDS})
        new._history_user = by
        new.save()
        new.categories.set(problem.categories.all())
        new.areas.set(problem.areas.all())
    return copy


def picture_pdf_render(*, picture_id: int) -> None:
    """Render an adopted picture's PDF once; an adopted picture never changes, so neither does its PDF."""
    pictures = SituationPicture.objects.select_related("municipality", "adopted_recorded_by")
    picture = pictures.filter(pk=picture_id).first()
    if picture is None or picture.status != SituationPicture.Status.ADOPTED or stored_file_exists(picture.pdf):
        return
    with translation.override("sv"):
        data = render_pdf("situation/picture_pdf.html", picture_pdf_context(picture))
    picture.pdf.save(f"lagesbild-{picture.municipality.slug}-{picture.pk}.pdf", ContentFile(data), save=False)
    # Only where no other worker got there first; a plain update also leaves the history alone.
    SituationPicture.objects.filter(pk=picture.pk, pdf="").update(pdf=picture.pdf.name)


def picture_parts(picture: SituationPicture) -> list[tuple[str, str]]:
    """The three parts the law names and the summary for residents, each with its label."""
    return [
        (SituationPicture._meta.get_field(name).verbose_name, getattr(picture, name))
        for name in (*LAW_PARTS, "public_summary")
    ]


def picture_pdf_context(picture: SituationPicture) -> dict:
    return {
        "picture": picture,
        "parts": picture_parts(picture),
        "municipality": picture.municipality,
        "problems": list(problems_of(picture)),
        "figures": picture.figures or {},
    }


# ---- Figures --------------------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _locked(picture: SituationPicture) -> SituationPicture:
    """The picture as stored, locked for this transaction: a check never acts on a stale copy."""
    return SituationPicture.objects.select_for_update().select_related("municipality").get(pk=picture.pk)


def _top_level_areas(municipality) -> dict[int, Area]:
    """Every area of the municipality mapped to its top-level area (districts roll up to their locality)."""
    areas = {area.pk: area for area in Area.objects.filter(municipality=municipality).only("pk", "name", "parent")}
    top = {}
    for pk, area in areas.items():
        seen = {pk}
        while area.parent_id in areas and area.parent_id not in seen:
            seen.add(area.parent_id)
            area = areas[area.parent_id]
        top[pk] = area
    return top


def _category_sort_key(category: IncidentCategory):
    parent = category.parent if category.parent_id else None
    head = parent or category
    return (head.order, head.name, parent is not None, category.order, category.name)


def _incident_counts(municipality, incidents) -> tuple[list[dict], list[dict]]:
    """Counts by category and by top-level area; an incident's area is its own, or else its place's.

    Rows come in a fixed order (categories as the municipality orders them, areas by name, "no area" last) that
    does not depend on the counts.
    """
    rows = (
        incidents.annotate(area_key=Coalesce("area_id", "place__area_id"))
        .values("category_id", "area_key")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_category: dict[int, int] = {}
    per_area: dict[int | None, int] = {}
    top = _top_level_areas(municipality)
    for row in rows:
        per_category[row["category_id"]] = per_category.get(row["category_id"], 0) + row["n"]
        area = top.get(row["area_key"])
        key = area.pk if area else None
        per_area[key] = per_area.get(key, 0) + row["n"]
    categories = IncidentCategory.objects.filter(pk__in=per_category).select_related("parent")
    by_category = [
        {"id": c.pk, "name": str(c), "tag": c.tag, "count": per_category[c.pk]}
        for c in sorted(categories, key=_category_sort_key)
    ]
    areas = {area.pk: area for area in top.values()}
    by_area = [
        {"id": pk, "name": areas[pk].name, "count": count}
        for pk, count in sorted(
            ((pk, n) for pk, n in per_area.items() if pk is not None), key=lambda i: areas[i[0]].name
        )
    ]
    if None in per_area:
        by_area.append({"id": None, "name": "", "count": per_area[None]})
    return by_category, by_area


def _statistics(municipality, start: date, end: date) -> dict:
    """Imported crime statistics whose period lies within the picture's (a figure cannot be split by days)."""
    rows = list(
        CrimeStatistic.objects.filter(municipality=municipality, period_start__gte=start, period_end__lte=end)
        .values("category")
        .annotate(count=Sum("count"))
        .order_by("category")
    )
    return {"total": sum(row["count"] for row in rows), "by_category": rows}


def _police_events(municipality, start: date, end: date) -> dict:
    rows = list(
        PoliceEvent.objects.filter(
            municipality=municipality,
            occurred_at__gte=_day_start(start),
            occurred_at__lt=_day_start(end + timedelta(1)),
        )
        .values("type")
        .annotate(count=Count("id"))
        .order_by("type")
    )
    return {"total": sum(row["count"] for row in rows), "by_type": rows}


def _protect(tables: list[list[dict]]) -> tuple[list[list[dict]], int | None]:
    """Suppress small public counts so that none can be read or worked out; returns the tables and the total.

    `tables` break down the same incidents (by category, by area); every row has a "count".

    1. Every count of 1–4 is shown as "fewer than 5" (SUPPRESSED), never as the number.
    2. The total is shown only when no count is suppressed: a total beside a suppressed count gives it away.
    3. Leaving the total out is not enough. The tables count the same incidents, so their sums are equal, and
       that equation, with the counts shown and the bounds a reader knows (1–4 for a suppressed count), can still
       pin a suppressed count down: a table shown in full is the total under another name. `_some_count_pinned`
       works out the exact range each suppressed count could have. While one range is a single number, the
       first count of 5 or more of one more table is held back too (WITHHELD, "not shown"), tables without a
       suppressed count first. Display order does not depend on the counts, so a reader learns only that a
       held-back count is at least 5. If that is still not enough, the first table (categories) is left out
       (an empty list) and the rest is protected on its own: one table without a total ties its counts to
       nothing.

    The counts of cells that are not shown are removed (None), so that the stored document cannot leak them.
    """
    cells = [
        [{**row, "status": SUPPRESSED if row["count"] < SUPPRESSION_THRESHOLD else SHOWN} for row in table]
        for table in tables
    ]
    if not any(cell["status"] == SUPPRESSED for table in cells for cell in table):
        return cells, sum(cell["count"] for cell in cells[0]) if cells else 0
    if len(cells) == 2:
        has_suppressed = [any(cell["status"] == SUPPRESSED for cell in table) for table in cells]
        for index in sorted(range(2), key=lambda i: has_suppressed[i]):
            if not _some_count_pinned(*cells):
                break
            first = next((cell for cell in cells[index] if cell["status"] == SHOWN), None)
            if first is not None:
                first["status"] = WITHHELD
        if _some_count_pinned(*cells):
            rest, total = _protect(tables[1:])
            return [[], *rest], total
    for table in cells:
        for cell in table:
            if cell["status"] != SHOWN:
                cell["count"] = None
    return cells, None


def _bounds(cell) -> tuple[int, float]:
    if cell["status"] == SUPPRESSED:
        return 1, SUPPRESSION_THRESHOLD - 1
    return SUPPRESSION_THRESHOLD, float("inf")  # WITHHELD


def _some_count_pinned(first: list[dict], second: list[dict]) -> bool:
    """Whether a suppressed count follows exactly from the shown counts, the bounds and equal table totals.

    Both tables sum to the same total: shown(first) + hidden(first) = shown(second) + hidden(second). For a
    suppressed cell x of one table, x = shown(other) - shown(own) + hidden(other) - hidden(own without x); its
    range is that expression's range clipped to 1–4.
    """
    for own, other in ((first, second), (second, first)):
        difference = sum(c["count"] for c in other if c["status"] == SHOWN) - sum(
            c["count"] for c in own if c["status"] == SHOWN
        )
        other_hidden = [_bounds(c) for c in other if c["status"] != SHOWN]
        other_low, other_high = sum(b[0] for b in other_hidden), sum(b[1] for b in other_hidden)
        for cell in own:
            if cell["status"] != SUPPRESSED:
                continue
            rest = [_bounds(c) for c in own if c["status"] != SHOWN and c is not cell]
            rest_low, rest_high = sum(b[0] for b in rest), sum(b[1] for b in rest)
            low = max(1, difference + other_low - rest_high)
            high = min(SUPPRESSION_THRESHOLD - 1, difference + other_high - rest_low)
            if low >= high:
                return True
    return False
