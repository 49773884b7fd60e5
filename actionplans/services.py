"""Writes to action plans: starting, copying, progress, adoption. Every rule of the plan's life is here."""

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.models import ActionPlan, Goal, Measure, MeasureUpdate, ProblemArea
from core.tasks import enqueue_on_commit


def _require_draft(plan: ActionPlan):
    if not plan.is_editable:
        raise ValidationError(
            _("An adopted plan cannot be changed. Start the next plan from it instead."), code="plan_locked"
        )


@transaction.atomic
def plan_start_from_picture(*, picture, by, title: str, period_start, period_end) -> ActionPlan:
    """A new draft plan whose problem areas are carried over from the situation picture's."""
    plan = ActionPlan(
        municipality=picture.municipality,
        title=title,
        period_start=period_start,
        period_end=period_end,
        situation_picture=picture,
    )
    plan._history_user = by
    plan.full_clean()
    plan.save()
    for order, problem in enumerate(picture.problems.all()):
        area = ProblemArea(
            plan=plan, title=problem.title, description=problem.description, source_problem=problem, order=order
        )
        area._history_user = by
        area.save()
    return plan


@transaction.atomic
def plan_copy(*, plan: ActionPlan, by, title: str, period_start, period_end, situation_picture=None) -> ActionPlan:
    """The next plan starts as a copy of the current one: problem areas, goals and measures (without progress)."""
    new = ActionPlan(
        municipality=plan.municipality,
        title=title,
        period_start=period_start,
        period_end=period_end,
        situation_picture=situation_picture or plan.situation_picture,
        previous=plan,
        summary=plan.summary,
    )
    new._history_user = by
    new.full_clean()
    new.save()
    for area in plan.problem_areas.prefetch_related("goals", "measures"):
        goals = {}
        new_area = ProblemArea.objects.create(
            plan=new,
            title=area.title,
            description=area.description,
            source_problem=area.source_problem,
            order=area.order,
        )
        for goal in area.goals.all():
            goals[goal.pk] = Goal.objects.create(
                problem_area=new_area,
                title=goal.title,
                indicator=goal.indicator,
                baseline=goal.baseline,
                target=goal.target,
                unit=goal.unit,
                order=goal.order,
            )
        for measure in area.measures.all():
            Measure.objects.create(
                problem_area=new_area,
                goal=goals.get(measure.goal_id),
                title=measure.title,
                cause=measure.cause,
                kind=measure.kind,
                term=measure.term,
                responsible_organisation=measure.responsible_organisation,
                owner=measure.owner,
                start_date=measure.start_date,
                end_date=measure.end_date,
                planned_cost=measure.planned_cost,
                planned_hours=measure.planned_hours,
                weight=measure.weight,
            )
    return new


class StaleMeasureError(Exception):
    """The measure was saved by someone else after this form was loaded."""

    def __init__(self, measure):
        super().__init__("stale measure")
        self.measure = measure


@transaction.atomic
def measure_save(*, measure: Measure, by, version: int | None, fields: dict) -> Measure:
    """Create or update a measure; an update from a stale form is refused so no one's change is lost."""
    if measure.pk:
        current = Measure.objects.select_for_update().select_related("problem_area__plan").get(pk=measure.pk)
        _require_draft(current.problem_area.plan)
        if version is not None and current.version != version:
            raise StaleMeasureError(current)
        measure = current
    else:
        _require_draft(measure.problem_area.plan)
    for name, value in fields.items():
        setattr(measure, name, value)
    measure.version = (measure.version or 0) + 1
    measure._history_user = by
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_update_post(
    *, measure: Measure, by, status: str, percent_done: int, note: str = "", hours_spent=None, date=None
) -> MeasureUpdate:
    """An owner's dated progress report; the measure takes its status and % from the newest report.

    Progress is reported on adopted plans too: adoption freezes the plan's content, not its follow-up."""
    update = MeasureUpdate(
        measure=measure,
        by=by,
        status=status,
        percent_done=percent_done,
        note=note,
        hours_spent=hours_spent,
        date=date or timezone.localdate(),
    )
    update.full_clean()
    update.save()
    latest = measure.updates.order_by("-date", "-id").first()
    Measure.objects.filter(pk=measure.pk).update(
        status=latest.status, percent_done=latest.percent_done, updated_at=timezone.now()
    )
    return update


def weighted_progress(measures) -> Decimal | None:
    """Weighted mean of % done; None when nothing carries weight."""
    total_weight = sum((m.weight for m in measures), Decimal(0))
    if not total_weight:
        return None
    done = sum(
        (Decimal(100 if m.status == Measure.Status.DONE else m.percent_done) * m.weight for m in measures), Decimal(0)
    )
    return (done / total_weight).quantize(Decimal("1"))


def plan_snapshot(plan: ActionPlan) -> dict:
    """The adopted content, for the frozen version, the PDF and version comparison."""
    areas = plan.problem_areas.prefetch_related("goals", "measures__responsible_organisation", "measures__goal")
    return {
        "version": 1,
        "title": plan.title,
        "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        "summary": plan.summary,
        "problem_areas": [
            {
                "title": area.title,
                "description": area.description,
                "goals": [
                    {
                        "title": g.title,
                        "indicator": g.indicator,
                        "baseline": _num(g.baseline),
                        "target": _num(g.target),
                        "unit": g.unit,
                    }
                    for g in area.goals.all()
                ],
                "measures": [
                    {
                        "title": m.title,
                        "cause": m.cause,
                        "kind": m.kind,
                        "term": m.term,
                        "goal": m.goal.title if m.goal else "",
                        "responsible": m.responsible_organisation.name if m.responsible_organisation else "",
                        "start": m.start_date.isoformat() if m.start_date else None,
                        "end": m.end_date.isoformat() if m.end_date else None,
                        "planned_cost": _num(m.planned_cost),
                        "planned_hours": _num(m.planned_hours),
                    }
                    for m in area.measures.all()
                ],
            }
            for area in areas
        ],
    }


def _num(value):
    return None if value is None else str(value)


def content_key(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def plan_adopt(
    *, plan: ActionPlan, by, body: str, body_name: str = "", decision_date, paragraph: str = "", case_number: str = ""
) -> ActionPlan:
    """Record the political decision, freeze the content, supersede the previous plan and render the PDF."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    if body == ActionPlan.Body.COMMITTEE and not body_name.strip():
        raise ValidationError({"body_name": _("Name the committee that decided.")}, code="committee_unnamed")
    if not plan.problem_areas.exists():
        raise ValidationError(_("A plan needs at least one problem area before it is adopted."), code="empty_plan")
    for current in ActionPlan.objects.select_for_update().filter(
        municipality=plan.municipality, status=ActionPlan.Status.ADOPTED
    ):
        current.status = ActionPlan.Status.SUPERSEDED
        current._history_user = by
        current.save(update_fields=["status", "updated_at"])
    plan.status = ActionPlan.Status.ADOPTED
    plan.body, plan.body_name = body, body_name.strip()
    plan.decision_date, plan.paragraph, plan.case_number = decision_date, paragraph.strip(), case_number.strip()
    plan.adopted_recorded_by = by
    plan.snapshot = plan_snapshot(plan)
    plan._history_user = by
    plan.full_clean()
    plan.save()

    from actionplans.tasks import render_plan_pdf_task

    enqueue_on_commit(render_plan_pdf_task, plan.pk)
    return plan


def compare_snapshots(old: dict, new: dict) -> list[dict]:
    """What was added, removed or changed between two adopted versions, per problem area and measure."""
    result = []
    old_areas = {a["title"]: a for a in old["problem_areas"]}
    new_areas = {a["title"]: a for a in new["problem_areas"]}
    for title in list(old_areas) + [t for t in new_areas if t not in old_areas]:
        before, after = old_areas.get(title), new_areas.get(title)
        if before is None or after is None:
            result.append({"area": title, "change": "added" if before is None else "removed", "measures": []})
            continue
        measures = []
        old_measures = {m["title"]: m for m in before["measures"]}
        new_measures = {m["title"]: m for m in after["measures"]}
        for name in list(old_measures) + [t for t in new_measures if t not in old_measures]:
            a, b = old_measures.get(name), new_measures.get(name)
            if a is None:
                measures.append({"title": name, "change": "added", "fields": []})
            elif b is None:
                measures.append({"title": name, "change": "removed", "fields": []})
            elif a != b:
                fields = [{"field": k, "old": a.get(k), "new": b.get(k)} for k in b if a.get(k) != b.get(k)]
                measures.append({"title": name, "change": "changed", "fields": fields})
        changed = measures or before["goals"] != after["goals"] or before["description"] != after["description"]
        result.append(
            {
                "area": title,
                "change": "changed" if changed else "same",
                "measures": measures,
                "goals_changed": before["goals"] != after["goals"],
            }
        )
    return result
