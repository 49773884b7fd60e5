"""Reads of pledges and follow-ups. Public reads go through published revisions only."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from core.periods import Tertial
from pledges.models import Activity, CitizenPledge, FocusArea, FollowUp, FollowUpRevision, ProgressRow, Responsible

STATUS_LABELS = dict(ProgressRow.Status.choices)
RESPONSIBLE_LABELS = dict(Responsible.choices)


@dataclass
class PublishedActivity:
    id: int
    description: str
    responsible_label: str
    target: Decimal | None
    unit: str
    status: str = ""
    achieved: Decimal | None = None
    narrative: str = ""

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, "")

    @property
    def percent(self) -> int | None:
        if not self.target or self.achieved is None:
            return None
        return min(100, int(self.achieved * 100 / self.target))


@dataclass
class PublishedFocusArea:
    id: int
    title: str
    activities: list[PublishedActivity] = field(default_factory=list)


def _decimal(value):
    return Decimal(value) if value not in (None, "") else None


def revision_focus_areas(revision: FollowUpRevision) -> list[PublishedFocusArea]:
    """The published content of a revision as objects for templates (no queries)."""
    areas = []
    for area in revision.content["focus_areas"]:
        published = PublishedFocusArea(id=area["id"], title=area["title"])
        for a in area["activities"]:
            label = a["responsible_other"] if a["responsible"] == "other" else RESPONSIBLE_LABELS.get(a["responsible"])
            published.activities.append(
                PublishedActivity(
                    id=a["id"],
                    description=a["description"],
                    responsible_label=label or "",
                    target=_decimal(a["target"]),
                    unit=a["unit"],
                    status=a["status"],
                    achieved=_decimal(a["achieved"]),
                    narrative=a["narrative"],
                )
            )
        areas.append(published)
    return areas


def public_pledges(*, municipality):
    return (
        CitizenPledge.objects.public()
        .for_municipality(municipality)
        .prefetch_related("municipalities")
        .order_by("-start_date")
    )


def latest_revisions(*, pledge: CitizenPledge) -> list[FollowUpRevision]:
    """The newest revision of each published follow-up of a pledge, in period order (one query)."""
    latest: dict[int, FollowUpRevision] = {}
    for revision in (
        FollowUpRevision.objects.filter(follow_up__pledge=pledge)
        .select_related("follow_up")
        .defer("content")
        .order_by("follow_up_id", "number")
    ):
        latest[revision.follow_up_id] = revision
    return sorted(latest.values(), key=lambda r: (r.follow_up.year, r.follow_up.tertial))


def published_revision(*, pledge: CitizenPledge, tertial: Tertial) -> FollowUpRevision | None:
    return (
        FollowUpRevision.objects.filter(
            follow_up__pledge=pledge, follow_up__year=tertial.year, follow_up__tertial=tertial.n
        )
        .select_related("follow_up", "follow_up__pledge")
        .order_by("-number")
        .first()
    )


def revision_history(*, revision: FollowUpRevision) -> list[FollowUpRevision]:
    return list(FollowUpRevision.objects.filter(follow_up_id=revision.follow_up_id).defer("content").order_by("number"))


def pledge_with_structure(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "focus_areas",
            queryset=FocusArea.objects.prefetch_related(
                Prefetch("activities", queryset=Activity.objects.select_related("owner"))
            ),
        ),
        "signatories",
        "municipalities",
    )


def follow_up_rows(follow_up: FollowUp) -> list[ProgressRow]:
    return list(
        follow_up.rows.select_related("activity", "activity__focus_area", "activity__owner", "updated_by").order_by(
            "activity__focus_area__order", "activity__focus_area_id", "activity__order", "activity_id"
        )
    )


def current_pledges_with_latest_follow_up(*, municipality) -> list[CitizenPledge]:
    """Published (current) pledges of a municipality, each with `.latest_revision` (or None)."""
    pledges = list(public_pledges(municipality=municipality).filter(status=CitizenPledge.Status.PUBLISHED))
    latest: dict[int, FollowUpRevision] = {}
    for revision in (
        FollowUpRevision.objects.filter(follow_up__pledge__in=pledges)
        .select_related("follow_up")
        .defer("content")
        .order_by("follow_up__year", "follow_up__tertial", "number")
    ):
        latest[revision.follow_up.pledge_id] = revision
    for pledge in pledges:
        pledge.latest_revision = latest.get(pledge.pk)
    return pledges
