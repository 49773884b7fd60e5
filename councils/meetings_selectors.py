"""Reads of meetings that are more than one filter: lists, the agenda as a numbered tree, the attendance
register, the public part of minutes and the agenda suggestions. Each reads in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import AgendaItem, Attendance, Decision, Meeting, Membership, Municipality
from councils.selectors import ROLE_ORDER

# --- lists --------------------------------------------------------------------------------------------------


def meetings_of(*, municipality: Municipality, kind: str | None = None):
    """The municipality's meetings with what a list shows about each, in one query per page."""
    queryset = (
        Meeting.objects.for_municipality(municipality)
        .select_related("council")
        .annotate(
            item_count=Count("agenda_items", distinct=True),
            decision_count=Count("decisions", distinct=True),
        )
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def upcoming_and_past(*, municipality: Municipality, kind: str | None = None, now=None):
    now = now or timezone.now()
    meetings = meetings_of(municipality=municipality, kind=kind)
    upcoming = meetings.filter(ends_at__gte=now).order_by("starts_at")
    past = meetings.filter(ends_at__lt=now).order_by("-starts_at")
    return upcoming, past


def latest_published_minutes(*, municipality: Municipality, limit: int = 5):
    return Meeting.objects.for_municipality(municipality).with_published_minutes().order_by("-starts_at")[:limit]


# --- one meeting --------------------------------------------------------------------------------------------


def meeting_for_staff(*, municipality: Municipality, pk: int) -> Meeting:
    return (
        Meeting.objects.for_municipality(municipality)
        .select_related("council", "municipality", "minutes_approved_by", "safety_walk")
        .get(pk=pk)
    )


def agenda_items(meeting: Meeting):
    return AgendaItem.objects.filter(meeting=meeting).select_related(
        "measure", "follow_up__pledge", "incident__category", "situation_picture"
    )


def agenda_tree(items) -> list[AgendaItem]:
    """The top-level items, each with `.number` ("2.1"), `.depth` and `.children_list`, in agenda order.

    Items whose parent is not among `items` (left out, e.g. closed ones on the public page) are left out too,
    with everything under them."""
    items = sorted(items, key=lambda i: (i.order, i.pk))
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)

    def build(parent_id, prefix, depth):
        level = by_parent.get(parent_id, [])
        for index, item in enumerate(level, start=1):
            item.number = f"{prefix}{index}"
            item.depth = depth
            item.children_list = build(item.pk, f"{item.number}.", depth + 1)
        return level

    return build(None, "", 0)


def flatten(tree) -> list[AgendaItem]:
    """The tree in reading order, as one list (for the minutes editor and the decision form)."""
    result = []
    for item in tree:
        result.append(item)
        result.extend(flatten(item.children_list))
    return result


def attendance_register(meeting: Meeting) -> list[dict]:
    """One row per invitee with their attendance (None when the register has not been taken yet)."""
    records = {a.membership_id: a for a in meeting.attendance.select_related("alternate__organisation", "membership")}
    invitees = meeting.invitees.select_related("organisation").order_by("name")
    return [{"membership": m, "attendance": records.get(m.pk)} for m in invitees]


def decisions_of(meeting: Meeting):
    return meeting.decisions.select_related("agenda_item", "measure").order_by("number")


# --- the public part ----------------------------------------------------------------------------------------


def public_minutes(*, municipality: Municipality, pk: int) -> Meeting:
    """Published minutes of a public municipality, with only what residents may read attached."""
    meeting = (
        Meeting.objects.filter(municipality=municipality, municipality__is_published=True)
        .with_published_minutes()
        .select_related("council", "municipality")
        .get(pk=pk)
    )
    return attach_public_parts(meeting)


def attach_public_parts(meeting: Meeting) -> Meeting:
    """`public_agenda` (public items whose every parent is public too, as a tree), `public_decisions` (public
    decisions not under a closed item) and `public_attendance` (every row, with `public_name`: the name only of
    members who allow it, otherwise role and organisation). Three queries."""
    # The tree drops public items under closed ones: their parent is missing from the public set.
    meeting.public_agenda = agenda_tree(AgendaItem.objects.filter(meeting=meeting, is_public=True))
    numbers = {item.pk: item.number for item in flatten(meeting.public_agenda)}
    meeting.public_decisions = [
        d
        for d in Decision.objects.filter(meeting=meeting, is_public=True).order_by("number")
        if d.agenda_item_id is None or d.agenda_item_id in numbers
    ]
    for decision in meeting.public_decisions:
        decision.public_item_number = numbers.get(decision.agenda_item_id)
    rows = Attendance.objects.filter(meeting=meeting).select_related(
        "membership__organisation", "alternate__organisation"
    )
    meeting.public_attendance = sorted(rows, key=lambda r: (ROLE_ORDER.get(r.membership.role, 99), r.membership.name))
    for row in meeting.public_attendance:
        row.public_name = public_label(row.membership)
        row.public_alternate = public_label(row.alternate) if row.alternate_id else ""
    return meeting


def public_label(membership: Membership) -> str:
    """How a member is named to residents: by name only when they allow it, otherwise by role and organisation."""
    if membership.publish_name:
        return membership.name
    parts = [str(membership.get_role_display())]
    if membership.organisation_id:
        parts.append(membership.organisation.name)
    return ", ".join(parts)


# --- agenda suggestions -------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    """Something the agenda should perhaps take up; `link` are the agenda item's fields that point at it."""

    kind: str
    object_id: int
    item_title: str
    detail: str
    link: dict = field(default_factory=dict)


MEASURE, FOLLOW_UP, PICTURE_CLOCK, PLAN_CLOCK = "measure", "follow_up", "picture_clock", "plan_clock"


def agenda_suggestions(*, meeting: Meeting, today: date) -> list[Suggestion]:
    """Before a meeting: measures past their end date, tertial follow-ups not published although the tertial
    has ended, and the statutory deadlines of the situation picture and the plan that are near or passed.

    What the agenda already takes up is left out. Five queries whatever the numbers."""
    from actionplans.clock import DUE, MISSING, OVERDUE
    from actionplans.models import Measure
    from actionplans.selectors import municipality_clock
    from core.periods import Tertial
    from pledges.models import CitizenPledge, FollowUp
    from situation.models import SituationPicture

    municipality = meeting.municipality
    on_agenda = list(AgendaItem.objects.filter(meeting=meeting).values("measure_id", "follow_up_id", "title"))
    linked_measures = {row["measure_id"] for row in on_agenda}
    linked_follow_ups = {row["follow_up_id"] for row in on_agenda}
    titles = {row["title"] for row in on_agenda}
    suggestions = []

    measures = (
        Measure.objects.overdue(today)
        .filter(problem_area__plan__municipality=municipality)
        .exclude(pk__in=[pk for pk in linked_measures if pk])
        .select_related("problem_area__plan", "owner")
        .order_by("end_date", "pk")
    )
    for measure in measures:
        suggestions.append(
            Suggestion(
                kind=MEASURE,
                object_id=measure.pk,
                item_title=_("Overdue measure: %(title)s") % {"title": measure.title},
                detail=_("Ended %(date)s, %(percent)s %% done (%(plan)s).")
                % {
                    "date": measure.end_date.isoformat(),
                    "percent": measure.percent_done,
                    "plan": measure.problem_area.plan.title,
                },
                link={"measure": measure},
            )
        )

    current = Tertial.containing(today)
    follow_ups = (
        FollowUp.objects.filter(
            pledge__municipalities=municipality,
            pledge__status=CitizenPledge.Status.PUBLISHED,
        )
        .exclude(status=FollowUp.Status.PUBLISHED)
        .filter(Q(year__lt=current.year) | Q(year=current.year, tertial__lt=current.n))
        .exclude(pk__in=[pk for pk in linked_follow_ups if pk])
        .select_related("pledge")
        .order_by("year", "tertial", "pk")
    )
    for follow_up in follow_ups:
        suggestions.append(
            Suggestion(
                kind=FOLLOW_UP,
                object_id=follow_up.pk,
                item_title=_("Follow-up due: %(pledge)s, %(period)s")
                % {"pledge": follow_up.pledge.title, "period": follow_up.period},
                detail=_("The tertial ended %(date)s; the follow-up is %(status)s.")
                % {"date": follow_up.period.end.isoformat(), "status": follow_up.get_status_display().lower()},
                link={"follow_up": follow_up},
            )
        )

    picture_clock, plan_clock = municipality_clock(municipality=municipality, today=today)
    latest_picture = (
        SituationPicture.objects.filter(municipality=municipality, status=SituationPicture.Status.ADOPTED)
        .order_by("-adopted_at")
        .first()
    )
    clocks = [
        (
            PICTURE_CLOCK,
            picture_clock,
            _("The situation picture must be renewed"),
            _("There is no adopted situation picture"),
            {"situation_picture": latest_picture} if latest_picture else {},
        ),
        (
            PLAN_CLOCK,
            plan_clock,
            _("The action plan must be renewed"),
            _("There is no adopted action plan"),
            {},
        ),
    ]
    for kind, clock, renew_title, missing_title, link in clocks:
        if clock.state not in (DUE, OVERDUE, MISSING):
            continue
        title = missing_title if clock.state == MISSING else renew_title
        if title in titles:
            continue
        if clock.state == MISSING:
            detail = _("The Act (2023:196) requires one; none has been adopted.")
        elif clock.state == OVERDUE:
            detail = _("It expired %(date)s (Lag 2023:196).") % {"date": clock.expires_on.isoformat()}
        else:
            detail = _("It expires %(date)s (Lag 2023:196).") % {"date": clock.expires_on.isoformat()}
        suggestions.append(Suggestion(kind=kind, object_id=0, item_title=title, detail=detail, link=link))
    return suggestions


def invitable(meeting_or_council, *, include=()):
    """The seats a meeting can invite: the council's current members, plus whoever is invited already."""
    council = getattr(meeting_or_council, "council", meeting_or_council)
    return (
        Membership.objects.filter(council=council)
        .filter(Q(pk__in=Membership.objects.filter(council=council).current().values("pk")) | Q(pk__in=include))
        .select_related("organisation")
        .order_by("name")
    )
