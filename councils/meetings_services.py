"""Writes to meetings: scheduling (single or recurring), moving and cancelling, the agenda, the attendance
register, minutes with numbered decisions (which may create a measure), approval and publication.

Every rule of a meeting's life is here; views, forms and the demo data call these functions. Approved minutes
are the council's record: once approved, nothing of the meeting can be changed any more.
"""

import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.periods import add_months
from core.tasks import enqueue_on_commit
from councils.models import AgendaItem, Attendance, Council, Decision, Meeting, Membership, Municipality

# A series is created in one go; more than this is almost certainly a typing mistake (two years every other
# week is 53 meetings).
MAX_SERIES = 60
MAX_AGENDA_DEPTH = 3
LINK_FIELDS = ("measure", "follow_up", "incident", "situation_picture")
# What a calendar shows of the meeting: a change to any of these is a new revision of the event (SEQUENCE).
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "location", "video_url", "status")
TIME_FIELDS = ("starts_at", "ends_at")
ONE_LINK_ONLY = gettext_lazy(
    "Link the item to one thing at most: a measure, a follow-up, an incident or a situation picture."
)


# --- guards -------------------------------------------------------------------------------------------------


def require_changeable(meeting: Meeting):
    """Approved minutes are locked; a cancelled meeting has neither agenda changes nor minutes."""
    if meeting.minutes_approved:
        raise ValidationError(
            _("The minutes of this meeting are approved and can no longer be changed."), code="minutes_locked"
        )
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting is cancelled and can no longer be changed."), code="meeting_cancelled")


def _locked(meeting: Meeting) -> Meeting:
    """The meeting row, locked for the rest of the transaction (serialises numbering and status changes)."""
    return Meeting.objects.select_for_update().select_related("municipality", "council").get(pk=meeting.pk)


def _start_minutes(meeting: Meeting):
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        meeting.save(update_fields=["minutes_status", "updated_at"])


def _obsolete_reminders(meeting: Meeting):
    """Reminders already planned for the old time (or for a cancelled meeting) must never be sent."""
    from core.reminders import obsolete_planned

    obsolete_planned("meeting", meeting.pk)


# --- scheduling ---------------------------------------------------------------------------------------------


def series_starts(
    first: datetime, *, recurrence: str, count: int | None = None, until: date | None = None
) -> list[datetime]:
    """The start of every meeting of a series, at the same local (wall-clock) time across daylight saving.

    Every other week: 14 days apart. Four a year: every third month on the same day (clamped to the month's
    end). The series ends after `count` meetings or on the last date `until`, whichever is given.
    """
    if not recurrence:
        return [first]
    local = timezone.localtime(first).replace(tzinfo=None)
    starts = []
    index = 0
    while True:
        if recurrence == Meeting.Recurrence.BIWEEKLY:
            moment = local + timedelta(weeks=2 * index)
        elif recurrence == Meeting.Recurrence.QUARTERLY:
            moment = datetime.combine(add_months(local.date(), 3 * index), local.time())
        else:
            raise ValidationError(_("Unknown recurrence."), code="unknown_recurrence")
        if count is not None and len(starts) >= count:
            break
        if until is not None and moment.date() > until:
            break
        if len(starts) >= MAX_SERIES:
            raise ValidationError(
                {
                    "until": _("A series can have at most %(max)s meetings. Choose an earlier last date.")
                    % {"max": MAX_SERIES}
                },
                code="series_too_long",
            )
        starts.append(timezone.make_aware(moment))
        index += 1
    return starts


def _validate_invitees(council: Council, invitees) -> list[Membership]:
    invitees = list(invitees)
    foreign = [m for m in invitees if m.council_id != council.pk]
    if foreign:
        raise ValidationError(
            {
                "invitees": _("Only members of %(council)s can be invited: %(names)s is not one.")
                % {"council": council.name, "names": ", ".join(m.name for m in foreign)}
            },
            code="invitee_not_member",
        )
    return invitees


@transaction.atomic
def meeting_create(
    *,
    council: Council,
    municipality: Municipality,
    by,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    video_url: str = "",
    description: str = "",
    invitees=(),
    recurrence: str = "",
    count: int | None = None,
    until: date | None = None,
    safety_walk=None,
) -> list[Meeting]:
    """Schedule one meeting, or a series sharing one `series` id; returns the meetings in time order."""
    if not council.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            _("%(council)s is not a council of %(municipality)s.")
            % {"council": council.name, "municipality": municipality.name},
            code="council_elsewhere",
        )
    if safety_walk is not None and safety_walk.municipality_id != municipality.pk:
        raise ValidationError({"safety_walk": _("Choose a safety walk of this municipality.")}, code="foreign_walk")
    invitees = _validate_invitees(council, invitees)
    if recurrence and count is None and until is None:
        raise ValidationError(
            {"count": _("Give the number of meetings or the date of the last one.")}, code="series_open_ended"
        )
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")}, code="ends_before_start")
    duration = ends_at - starts_at
    starts = series_starts(starts_at, recurrence=recurrence, count=count, until=until)
    series = uuid.uuid4() if recurrence else None
    meetings = []
    for start in starts:
        meeting = Meeting(
            council=council,
            municipality=municipality,
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + duration,
            location=location,
            video_url=video_url,
            description=description,
            series=series,
            safety_walk=safety_walk,
        )
        meeting.full_clean()
        meeting.save()
        meeting.invitees.set(invitees)
        meetings.append(meeting)
    return meetings


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, fields: dict, invitees=None) -> Meeting:
    """Edit or move a meeting. A new time or place is a new revision of the calendar event (`sequence`), and
    reminders planned for the old time are made obsolete in the same transaction."""
    current = _locked(meeting)
    require_changeable(current)
    old = {name: getattr(current, name) for name in CALENDAR_FIELDS}
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    changed = [name for name in CALENDAR_FIELDS if getattr(current, name) != old[name]]
    if changed:
        current.sequence += 1
    current.save()
    if invitees is not None:
        current.invitees.set(_validate_invitees(current.council, invitees))
    if any(name in changed for name in TIME_FIELDS):
        _obsolete_reminders(current)
    return current


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    current = _locked(meeting)
    require_changeable(current)
    current.status = Meeting.Status.CANCELLED
    current.sequence += 1
    current.save(update_fields=["status", "sequence", "updated_at"])
    _obsolete_reminders(current)
    return current


# --- agenda -------------------------------------------------------------------------------------------------


def _link_municipality_errors(meeting: Meeting, item: AgendaItem) -> dict:
    """Only the meeting's own municipality's objects may be linked: anything else is refused by field."""
    from actionplans.models import Measure
    from pledges.models import FollowUp

    municipality_id = meeting.municipality_id
    errors = {}
    if (
        item.measure_id
        and not Measure.objects.filter(pk=item.measure_id, problem_area__plan__municipality_id=municipality_id).exists()
    ):
        errors["measure"] = _("Choose a measure of this municipality's action plans.")
    if (
        item.follow_up_id
        and not FollowUp.objects.filter(pk=item.follow_up_id, pledge__municipalities=municipality_id).exists()
    ):
        errors["follow_up"] = _("Choose a follow-up of this municipality's citizen pledges.")
    if item.incident_id and item.incident.municipality_id != municipality_id:
        errors["incident"] = _("Choose an incident reported in this municipality.")
    if item.situation_picture_id and item.situation_picture.municipality_id != municipality_id:
        errors["situation_picture"] = _("Choose a situation picture of this municipality.")
    return errors


def _validate_item(meeting: Meeting, item: AgendaItem):
    errors = _link_municipality_errors(meeting, item)
    if sum(1 for name in LINK_FIELDS if getattr(item, f"{name}_id")) > 1:
        errors.setdefault("measure", ONE_LINK_ONLY)
    if item.parent_id:
        parent = item.parent
        if parent.meeting_id != meeting.pk:
            errors["parent"] = _("Choose an item of the same meeting.")
        else:
            depth, ancestor = 1, parent
            while ancestor is not None:
                if item.pk and ancestor.pk == item.pk:
                    errors["parent"] = _("An item cannot be placed under itself or one of its own sub-items.")
                    break
                depth += 1
                ancestor = ancestor.parent
            if depth > MAX_AGENDA_DEPTH and "parent" not in errors:
                errors["parent"] = _("Items can be nested at most %(depth)s levels deep.") % {"depth": MAX_AGENDA_DEPTH}
    if errors:
        raise ValidationError(errors, code="invalid_agenda_item")


def _next_order(meeting: Meeting, parent_id) -> int:
    top = AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def agenda_item_save(*, meeting: Meeting, by, fields: dict, item: AgendaItem | None = None) -> AgendaItem:
    """Add an item at the end of its level, or change one; a new parent moves it to the end of that level."""
    meeting = _locked(meeting)
    require_changeable(meeting)
    if item is None:
        item = AgendaItem(meeting=meeting)
    elif item.meeting_id != meeting.pk:
        raise ValidationError(_("The item belongs to another meeting."), code="foreign_item")
    old_parent = item.parent_id if item.pk else object()
    for name, value in fields.items():
        setattr(item, name, value)
    _validate_item(meeting, item)
    if item.parent_id != old_parent:
        item.order = _next_order(meeting, item.parent_id)
    item.full_clean(exclude=["meeting"])
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by):
    meeting = _locked(item.meeting)
    require_changeable(meeting)
    item.delete()


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by, up: bool) -> AgendaItem:
    """Move an item one place up or down among the items of its level."""
    meeting = _locked(item.meeting)
    require_changeable(meeting)
    siblings = list(AgendaItem.objects.filter(meeting=meeting, parent_id=item.parent_id).order_by("order", "id"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
    for order, sibling in enumerate(siblings):
        sibling.order = order
    AgendaItem.objects.bulk_update(siblings, ["order"])
    return item


@transaction.atomic
def agenda_suggestion_add(*, meeting: Meeting, by, kind: str, object_id: int) -> AgendaItem:
    """Put one of the agenda suggestions on the agenda as an item linked to what it is about.

    Only what is suggested for this meeting right now can be added, which also keeps other municipalities'
    objects out."""
    from councils.meetings_selectors import agenda_suggestions

    suggestion = next(
        (
            s
            for s in agenda_suggestions(meeting=meeting, today=timezone.localdate())
            if s.kind == kind and s.object_id == object_id
        ),
        None,
    )
    if suggestion is None:
        raise ValidationError(
            _("That suggestion is no longer current, or it is already on the agenda."), code="no_such_suggestion"
        )
    return agenda_item_save(
        meeting=meeting,
        by=by,
        fields={"title": suggestion.item_title, "description": suggestion.detail, **suggestion.link},
    )


# --- attendance and minutes ---------------------------------------------------------------------------------


@transaction.atomic
def attendance_save(*, meeting: Meeting, by, rows: dict[int, dict]) -> list[Attendance]:
    """Record the register: `rows` maps an invitee's membership id to status, arrived_at, left_at, alternate."""
    meeting = _locked(meeting)
    require_changeable(meeting)
    invitees = {m.pk: m for m in meeting.invitees.all()}
    council_seats = set(Membership.objects.filter(council_id=meeting.council_id).values_list("pk", flat=True))
    existing = {a.membership_id: a for a in meeting.attendance.all()}
    errors = []
    to_create, to_update = [], []
    for membership_id, row in rows.items():
        member = invitees.get(membership_id)
        if member is None:
            errors.append(_("Only invited members are in the register."))
            continue
        status = row.get("status") or Attendance.Status.PRESENT
        arrived, left, alternate = row.get("arrived_at"), row.get("left_at"), row.get("alternate")
        if status == Attendance.Status.ABSENT and (arrived or left):
            errors.append(
                _("%(name)s is marked absent but has a time of arrival or departure.") % {"name": member.name}
            )
        if arrived and left and left <= arrived:
            errors.append(_("%(name)s cannot leave before arriving.") % {"name": member.name})
        if alternate is not None and (alternate.pk not in council_seats or alternate.pk == membership_id):
            errors.append(
                _("The alternate for %(name)s must be another member or alternate of the council.")
                % {"name": member.name}
            )
        attendance = existing.get(membership_id) or Attendance(meeting=meeting, membership=member)
        attendance.status, attendance.arrived_at, attendance.left_at = status, arrived, left
        attendance.alternate = alternate
        (to_update if attendance.pk else to_create).append(attendance)
    if errors:
        raise ValidationError(errors, code="invalid_attendance")
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status", "arrived_at", "left_at", "alternate"])
    _start_minutes(meeting)
    return to_create + to_update


@transaction.atomic
def minutes_save(*, meeting: Meeting, by, text: str, adjusters: str, item_notes: dict[int, str]) -> Meeting:
    """The general notes, the adjusters and a note per agenda item."""
    meeting = _locked(meeting)
    require_changeable(meeting)
    meeting.minutes_text, meeting.minutes_adjusters = text, adjusters
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save(update_fields=["minutes_text", "minutes_adjusters", "minutes_status", "updated_at"])
    items = list(meeting.agenda_items.filter(pk__in=item_notes))
    for item in items:
        item.minutes_note = item_notes[item.pk]
    AgendaItem.objects.bulk_update(items, ["minutes_note"])
    return meeting


def _is_closed(item: AgendaItem) -> bool:
    """Closed itself or under a closed item: either way, residents never see it."""
    while item is not None:
        if not item.is_public:
            return True
        item = item.parent
    return False


def _create_measure(*, meeting: Meeting, by, problem_area, title, owner, end_date, responsible_organisation=None):
    from actionplans.models import Measure

    errors = {}
    plan = problem_area.plan
    if plan.municipality_id != meeting.municipality_id or plan.status not in ("draft", "adopted"):
        errors["problem_area"] = _("Choose a problem area of this municipality's current or draft action plan.")
    if owner is not None and not owner.portal_roles.filter(municipality_id=meeting.municipality_id).exists():
        errors["owner"] = _("The owner must have a role in %(municipality)s.") % {"municipality": meeting.municipality}
    if responsible_organisation is not None and responsible_organisation.municipality_id != meeting.municipality_id:
        errors["responsible_organisation"] = _("Choose an organisation of this municipality.")
    start = timezone.localtime(meeting.starts_at).date()
    if end_date is not None and end_date < start:
        errors["end_date"] = _("The measure cannot end before the meeting that decided it (%(date)s).") % {
            "date": start.isoformat()
        }
    if errors:
        raise ValidationError(errors, code="invalid_measure")
    measure = Measure(
        problem_area=problem_area,
        title=title,
        owner=owner,
        responsible_organisation=responsible_organisation,
        start_date=start,
        end_date=end_date,
        origin_meeting=meeting,
        version=1,
    )
    measure._history_user = by
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def decision_save(
    *,
    meeting: Meeting,
    by,
    text: str,
    is_public: bool,
    agenda_item: AgendaItem | None = None,
    decision: Decision | None = None,
    new_measure: dict | None = None,
) -> Decision:
    """Add a decision as the next § of the meeting, or change one. With `new_measure` (problem_area, title,
    owner, end_date, responsible_organisation) the decision also creates that measure in the action plan,
    with a link back to the meeting: both or neither are saved."""
    meeting = _locked(meeting)
    require_changeable(meeting)
    if decision is None:
        decision = Decision(meeting=meeting)
        top = meeting.decisions.aggregate(top=Max("number"))["top"]
        decision.number = (top or 0) + 1
    elif decision.meeting_id != meeting.pk:
        raise ValidationError(_("The decision belongs to another meeting."), code="foreign_decision")
    if agenda_item is not None:
        if agenda_item.meeting_id != meeting.pk:
            raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")}, code="foreign_item")
        if is_public and _is_closed(agenda_item):
            raise ValidationError(
                {"is_public": _("A decision under a closed agenda item cannot be public.")}, code="public_under_closed"
            )
    decision.text, decision.is_public, decision.agenda_item = text, is_public, agenda_item
    if new_measure:
        if decision.measure_id:
            raise ValidationError(_("This decision has already created a measure."), code="measure_exists")
        decision.measure = _create_measure(meeting=meeting, by=by, **new_measure)
    decision.full_clean(exclude=["meeting"])
    decision.save()
    _start_minutes(meeting)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, by):
    """Remove a decision and close the gap in the numbering. A measure it created stays in the plan."""
    meeting = _locked(decision.meeting)
    require_changeable(meeting)
    number = decision.number
    decision.delete()
    for later in meeting.decisions.filter(number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number"])


# --- approval and publication -------------------------------------------------------------------------------


@transaction.atomic
def minutes_approve(*, meeting: Meeting, by) -> Meeting:
    """The adjusted minutes: locked from now on; the internal PDF is rendered by a worker."""
    from councils.meetings_tasks import render_minutes_pdf_task

    meeting = _locked(meeting)
    require_changeable(meeting)
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            _("The minutes can be approved once the meeting has taken place."), code="meeting_not_held"
        )
    if meeting.minutes_status != Meeting.MinutesStatus.DRAFT:
        raise ValidationError(
            _("There are no minutes to approve yet: take the attendance or write the minutes first."),
            code="no_minutes",
        )
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = by
    meeting.save(update_fields=["minutes_status", "minutes_approved_at", "minutes_approved_by", "updated_at"])
    enqueue_on_commit(render_minutes_pdf_task, meeting.pk, False)
    return meeting


def _refuse_personal_data_in_public_part(meeting: Meeting):
    """Residents read the public part: personal identity numbers, phone and registration numbers stay out."""
    from core.privacy import KIND_LABELS, find_personal_data
    from councils.meetings_selectors import attach_public_parts, flatten

    attach_public_parts(meeting)
    texts = []
    for item in flatten(meeting.public_agenda):
        texts.append((_("agenda item %(number)s") % {"number": item.number}, item.title, item.description))
        texts.append((_("agenda item %(number)s") % {"number": item.number}, item.minutes_note))
    for decision in meeting.public_decisions:
        texts.append((_("§ %(number)s") % {"number": decision.number}, decision.text))
    problems = []
    for where, *parts in texts:
        for finding in find_personal_data("\n".join(parts)):
            problems.append(
                _("%(where)s contains %(what)s (”%(text)s”)")
                % {"where": where, "what": KIND_LABELS[finding.kind], "text": finding.text}
            )
    if problems:
        raise ValidationError(
            [
                _("The public part cannot be published while it names individuals:"),
                *problems,
                _("Remove it from the text, or make that item or decision closed."),
            ],
            code="personal_data",
        )


@transaction.atomic
def minutes_publish(*, meeting: Meeting, by) -> Meeting:
    """Publish the public part of approved minutes on the municipality's page; its PDF is rendered by a worker."""
    from councils.meetings_tasks import render_minutes_pdf_task

    meeting = _locked(meeting)
    if not meeting.minutes_approved:
        raise ValidationError(_("Only approved minutes can be published."), code="not_approved")
    if meeting.minutes_published_at is not None:
        raise ValidationError(_("The minutes are already published."), code="already_published")
    _refuse_personal_data_in_public_part(meeting)
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes_published_at", "updated_at"])
    enqueue_on_commit(render_minutes_pdf_task, meeting.pk, True)
    return meeting
