"""Reads over action plans for residents and staff: the public plan, version comparison and change history.

Nothing here writes; the CSV import of measures lives in `actionplans.csv_io`.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan, Goal, Measure, ProblemArea
from actionplans.services import compare_snapshots

COMPARABLE = (ActionPlan.Status.ADOPTED, ActionPlan.Status.SUPERSEDED)


def _iso_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _label(choices, value):
    return dict(choices).get(value, value)


# ---------------------------------------------------------------------------------------------------------------
# The public plan
# ---------------------------------------------------------------------------------------------------------------


def public_plan(*, municipality) -> ActionPlan | None:
    """The municipality's adopted plan, if any; what residents see is its frozen snapshot."""
    return (
        ActionPlan.objects.for_municipality(municipality)
        .adopted()
        .filter(snapshot__isnull=False)
        .select_related("situation_picture")
        .first()
    )


def snapshot_for_display(snapshot: dict) -> dict:
    """The snapshot with dates as dates and kind/term as labels, for templates. The snapshot itself is untouched."""
    period = snapshot.get("period") or [None, None]
    areas = []
    for number, area in enumerate(snapshot.get("problem_areas", []), start=1):
        measures = [
            {
                **m,
                "start_date": _iso_date(m.get("start")),
                "end_date": _iso_date(m.get("end")),
                "kind_label": _label(Measure.Kind.choices, m.get("kind")),
                "term_label": _label(Measure.Term.choices, m.get("term")),
            }
            for m in area.get("measures", [])
        ]
        areas.append({**area, "number": number, "anchor": f"omrade-{number}", "measures": measures})
    return {
        **snapshot,
        "period_start": _iso_date(period[0]),
        "period_end": _iso_date(period[1]),
        "problem_areas": areas,
    }


# ---------------------------------------------------------------------------------------------------------------
# Version comparison
# ---------------------------------------------------------------------------------------------------------------

# Snapshot keys of a measure → the label residents and staff know them by.
MEASURE_FIELD_LABELS = {
    "title": Measure._meta.get_field("title").verbose_name,
    "cause": _("Cause"),
    "kind": Measure._meta.get_field("kind").verbose_name,
    "term": Measure._meta.get_field("term").verbose_name,
    "goal": Measure._meta.get_field("goal").verbose_name,
    "responsible": Measure._meta.get_field("responsible_organisation").verbose_name,
    "start": Measure._meta.get_field("start_date").verbose_name,
    "end": Measure._meta.get_field("end_date").verbose_name,
    "planned_cost": Measure._meta.get_field("planned_cost").verbose_name,
    "planned_hours": Measure._meta.get_field("planned_hours").verbose_name,
}


def _measure_value(key, value):
    if value in (None, ""):
        return "–"
    if key == "kind":
        return str(_label(Measure.Kind.choices, value))
    if key == "term":
        return str(_label(Measure.Term.choices, value))
    return value


def _goal_line(goal: dict) -> str:
    if goal.get("target") is None:
        return goal["title"]
    unit = f" {goal['unit']}" if goal.get("unit") else ""
    return f"{goal['title']} ({goal.get('baseline') or '–'} → {goal['target']}{unit})"


def comparable_plans(*, municipality):
    """Adopted and superseded versions, newest decision first."""
    return (
        ActionPlan.objects.for_municipality(municipality)
        .filter(status__in=COMPARABLE, snapshot__isnull=False)
        .order_by("-decision_date", "-period_start", "-pk")
    )


def default_comparison(plans: list[ActionPlan]) -> tuple[ActionPlan | None, ActionPlan | None]:
    """The previous and the current version: the adopted plan and the one it replaced (else the next older)."""
    if not plans:
        return None, None
    current = next((p for p in plans if p.status == ActionPlan.Status.ADOPTED), plans[0])
    older = [p for p in plans if p.pk != current.pk]
    previous = next((p for p in older if p.pk == current.previous_id), None)
    if previous is None:
        previous = next(
            (p for p in older if (p.decision_date or date.min) <= (current.decision_date or date.min)), None
        )
    return previous or (older[0] if older else None), current


def plan_comparison(*, old: dict, new: dict) -> list[dict]:
    """`services.compare_snapshots` with labels, display values and the content of added and removed parts."""
    old_areas = {a["title"]: a for a in old["problem_areas"]}
    new_areas = {a["title"]: a for a in new["problem_areas"]}
    rows = compare_snapshots(old, new)
    for row in rows:
        before, after = old_areas.get(row["area"]), new_areas.get(row["area"])
        row["goals_changed"] = row.get("goals_changed", False)
        row["description_changed"] = bool(before and after and before["description"] != after["description"])
        row["old_description"] = before["description"] if before else ""
        row["new_description"] = after["description"] if after else ""
        row["old_goals"] = [_goal_line(g) for g in before["goals"]] if before else []
        row["new_goals"] = [_goal_line(g) for g in after["goals"]] if after else []
        # An added or removed area lists its measures, so the side that has them is not just a title.
        whole = row["change"] in ("added", "removed")
        row["all_measures"] = [m["title"] for m in (after or before)["measures"]] if whole else []
        old_measures = {m["title"]: m for m in before["measures"]} if before else {}
        new_measures = {m["title"]: m for m in after["measures"]} if after else {}
        for measure in row["measures"]:
            content = new_measures.get(measure["title"]) or old_measures.get(measure["title"]) or {}
            measure["summary"] = ", ".join(
                str(v)
                for v in (
                    content.get("responsible"),
                    " – ".join(filter(None, (content.get("start"), content.get("end")))),
                )
                if v
            )
            for change in measure["fields"]:
                change["label"] = capfirst(str(MEASURE_FIELD_LABELS.get(change["field"], change["field"])))
                change["old_display"] = _measure_value(change["field"], change["old"])
                change["new_display"] = _measure_value(change["field"], change["new"])
    return rows


def plan_header_rows(old: ActionPlan, new: ActionPlan) -> list[dict]:
    """The plans' own details side by side: title, period, decision."""

    def decision(plan):
        parts = [plan.body_label, plan.decision_date.isoformat() if plan.decision_date else ""]
        if plan.paragraph:
            parts.append(f"§ {plan.paragraph}")
        return ", ".join(p for p in parts if p)

    def period(snapshot):
        return " – ".join(snapshot.get("period") or [])

    rows = [
        (_("Title"), old.snapshot.get("title", ""), new.snapshot.get("title", "")),
        (_("Period"), period(old.snapshot), period(new.snapshot)),
        (_("Status"), old.get_status_display(), new.get_status_display()),
        (_("Decision"), decision(old), decision(new)),
        (_("Case number"), old.case_number or "–", new.case_number or "–"),
    ]
    if old.snapshot.get("summary") != new.snapshot.get("summary"):
        rows.append((_("Summary"), old.snapshot.get("summary") or "–", new.snapshot.get("summary") or "–"))
    return [{"label": label, "old": a, "new": b, "changed": a != b} for label, a, b in rows]


# ---------------------------------------------------------------------------------------------------------------
# Change history
# ---------------------------------------------------------------------------------------------------------------

# Bookkeeping fields that change on every save or hold machine data; their changes say nothing to a reader.
HISTORY_EXCLUDED = {"snapshot", "pdf", "pdf_key", "adopted_recorded_by", "version", "updated_at", "created_at"}
KIND_LABELS = {
    ActionPlan: _("Plan"),
    ProblemArea: _("Problem area"),
    Goal: _("Goal"),
    Measure: _("Measure"),
}


@dataclass
class HistoryEntry:
    record: object
    model: type
    previous: object | None = None
    area_title: str = ""
    user: object | None = None
    changes: list = field(default_factory=list)

    @property
    def when(self):
        return self.record.history_date

    @property
    def kind_label(self):
        return KIND_LABELS[self.model]

    @property
    def title(self):
        return self.record.title

    @property
    def action(self):
        return self.record.history_type


def plan_history_entries(*, plan: ActionPlan) -> list[HistoryEntry]:
    """Every recorded change to the plan and its problem areas, goals and measures, newest first.

    One query per history table whatever the plan's size; the changed fields are worked out later, only for
    the entries shown (`describe_history_entries`)."""
    plan_records = list(ActionPlan.history.filter(id=plan.pk).order_by("history_date", "history_id"))
    area_records = list(ProblemArea.history.filter(plan_id=plan.pk).order_by("history_date", "history_id"))
    area_ids = {r.id for r in area_records}
    goal_records = list(Goal.history.filter(problem_area_id__in=area_ids).order_by("history_date", "history_id"))
    measure_records = list(Measure.history.filter(problem_area_id__in=area_ids).order_by("history_date", "history_id"))
    area_titles = {r.id: r.title for r in area_records}  # the latest title of each area, removed ones too
    entries = []
    for model, records in (
        (ActionPlan, plan_records),
        (ProblemArea, area_records),
        (Goal, goal_records),
        (Measure, measure_records),
    ):
        previous_by_object = {}
        for record in records:
            entry = HistoryEntry(record=record, model=model, previous=previous_by_object.get(record.id))
            if model in (Goal, Measure):
                entry.area_title = area_titles.get(record.problem_area_id, "")
            entries.append(entry)
            previous_by_object[record.id] = record
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return entries


def describe_history_entries(entries: list[HistoryEntry], *, goal_titles: dict | None = None) -> None:
    """Fill in who made each change and the changed fields (old → new) with readable values.

    Foreign keys are resolved with one query per related model for all the entries together."""
    diffs = []
    for entry in entries:
        if entry.previous is not None and entry.action == "~":
            delta = entry.record.diff_against(entry.previous, excluded_fields=HISTORY_EXCLUDED)
            diffs.append((entry, delta.changes))
    wanted: dict[type, set] = {}
    user_model = get_user_model()
    wanted[user_model] = {e.record.history_user_id for e in entries if e.record.history_user_id}
    for entry, changes in diffs:
        for change in changes:
            model_field = entry.model._meta.get_field(change.field)
            if model_field.is_relation:
                related = model_field.related_model
                wanted.setdefault(related, set()).update(v for v in (change.old, change.new) if v is not None)
    resolved = {}
    for related, ids in wanted.items():
        if related is Goal and goal_titles is not None:
            missing = ids - set(goal_titles)
            resolved[related] = {**goal_titles, **({} if not missing else _titles(related, missing))}
        else:
            resolved[related] = _titles(related, ids) if ids else {}
    users = resolved[user_model]
    for entry in entries:
        entry.user = users.get(entry.record.history_user_id)
    for entry, changes in diffs:
        entry.changes = [
            {
                "field": capfirst(str(entry.model._meta.get_field(change.field).verbose_name)),
                "old": _history_value(entry.model, change.field, change.old, resolved),
                "new": _history_value(entry.model, change.field, change.new, resolved),
            }
            for change in changes
        ]


def _titles(model, ids) -> dict:
    if model is get_user_model():
        return {u.pk: u for u in model.objects.filter(pk__in=ids)}
    return {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}


def _history_value(model, name, value, resolved):
    if value in (None, ""):
        return ""
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        return resolved.get(model_field.related_model, {}).get(value, f"#{value}")
    if model_field.choices:
        return str(_label(model_field.choices, value))
    if isinstance(value, date):
        return value.isoformat()
    return value


def goal_titles_from_entries(entries: list[HistoryEntry]) -> dict:
    """Goal titles known from the goals' own history, so a goal removed since still has a name."""
    return {e.record.id: e.record.title for e in reversed(entries) if e.model is Goal}
