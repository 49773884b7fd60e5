"""A plan's measures as a spreadsheet: export to CSV and import back (the Swedish Excel dialect).

The file is `;`-separated UTF-8 with a byte order mark, decimals with a comma and dates as YYYY-MM-DD, so
that Excel in Swedish opens it as it is. An import is checked in full before anything is written: a preview
lists every bad row by its line number, and only a clean file can be confirmed. Rows are matched to the
plan's measures by problem area and title; a file exported and imported again changes nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import ActionPlan, Goal, Measure, ProblemArea
from actionplans.services import measure_save
from councils.models import Organisation

_field = Measure._meta.get_field

# (key, header label) in the order of the file.
COLUMNS = [
    ("area", ProblemArea._meta.get_field("title").verbose_name),
    ("goal", Goal._meta.get_field("title").verbose_name),
    ("title", _field("title").verbose_name),
    ("cause", gettext_lazy("Cause")),
    ("kind", _field("kind").verbose_name),
    ("term", _field("term").verbose_name),
    ("organisation", _field("responsible_organisation").verbose_name),
    ("owner", gettext_lazy("Owner (e-mail)")),
    ("start", _field("start_date").verbose_name),
    ("end", _field("end_date").verbose_name),
    ("status", _field("status").verbose_name),
    ("percent_done", _field("percent_done").verbose_name),
    ("weight", _field("weight").verbose_name),
    ("planned_cost", _field("planned_cost").verbose_name),
    ("planned_hours", _field("planned_hours").verbose_name),
]
REQUIRED = ("area", "title")
TEXT_COLUMNS = {"area", "goal", "title", "cause", "organisation", "owner"}
# A cell starting with one of these is a formula to a spreadsheet; the export puts an apostrophe in front
# (Excel's own "this is text" mark) and the import takes it away again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_LENGTH = {
    "area": ProblemArea._meta.get_field("title").max_length,
    "goal": Goal._meta.get_field("title").max_length,
    "title": _field("title").max_length,
}
CHOICES = {"kind": Measure.Kind.choices, "term": Measure.Term.choices, "status": Measure.Status.choices}


def header_labels(language: str = "sv") -> list[str]:
    with translation.override(language):
        return [capfirst(str(label)) for _key, label in COLUMNS]


def _column_label(key: str) -> str:
    return capfirst(str(dict(COLUMNS)[key]))


# ---------------------------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------------------------


def _text_out(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _number_out(value) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


def plan_measures(plan: ActionPlan):
    return (
        Measure.objects.filter(problem_area__plan=plan)
        .select_related("problem_area", "goal", "responsible_organisation", "owner")
        .order_by("problem_area__order", "problem_area_id", "id")
    )


def write_measures_csv(*, plan: ActionPlan, out) -> None:
    """One row per measure, Swedish headers and labels, to a text stream."""
    out.write("\ufeff")  # Excel reads UTF-8 (å ä ö) only with a byte order mark.
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    with translation.override("sv"):
        writer.writerow(header_labels("sv"))
        kinds, terms, statuses = (dict(CHOICES[k]) for k in ("kind", "term", "status"))
        for m in plan_measures(plan):
            writer.writerow(
                [
                    _text_out(m.problem_area.title),
                    _text_out(m.goal.title if m.goal else ""),
                    _text_out(m.title),
                    _text_out(m.cause),
                    str(kinds.get(m.kind, m.kind)),
                    str(terms.get(m.term, m.term)),
                    _text_out(m.responsible_organisation.name if m.responsible_organisation else ""),
                    _text_out(m.owner.email if m.owner else ""),
                    m.start_date.isoformat() if m.start_date else "",
                    m.end_date.isoformat() if m.end_date else "",
                    str(statuses.get(m.status, m.status)),
                    str(m.percent_done),
                    _number_out(m.weight),
                    _number_out(m.planned_cost),
                    _number_out(m.planned_hours),
                ]
            )


# ---------------------------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class ImportRow:
    line: int
    area: str
    title: str
    action: str  # "create", "update" or "unchanged"
    fields: dict
    goal: str | None = None  # the goal's title; None when the file has no goal column
    measure: Measure | None = None
    changes: list[dict] = field(default_factory=list)


@dataclass
class ImportPreview:
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    new_areas: list[str] = field(default_factory=list)
    new_goals: list[tuple[str, str]] = field(default_factory=list)
    written: bool = False

    @property
    def is_clean(self) -> bool:
        return not self.file_errors and not self.row_errors

    @property
    def has_changes(self) -> bool:
        return any(r.action != "unchanged" for r in self.rows) or bool(self.new_areas or self.new_goals)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self):
        return self.count("create")

    @property
    def updated(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("unchanged")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _text_in(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[value.casefold()] = value
        for language in ("sv", "en"):
            with translation.override(language):
                text = str(label).casefold().strip()
            lookup[text] = value
            lookup[text.split(":")[0].strip()] = value  # "Grön" for "Grön: enligt plan"
    return lookup


def _header_lookup() -> dict[str, str]:
    lookup = {key.casefold(): key for key, _label in COLUMNS}
    for language in ("sv", "en"):
        for (key, _label), text in zip(COLUMNS, header_labels(language), strict=True):
            lookup[_key(text)] = key
    return lookup


def _decimal(text: str) -> Decimal:
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if cleaned.count(".") > 1:
        raise InvalidOperation
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


class _Context:
    """The plan's and the municipality's names, read once per import (five queries whatever the file's size)."""

    def __init__(self, plan: ActionPlan):
        self.plan = plan
        self.areas = {_key(a.title): a for a in plan.problem_areas.all()}
        self.goals = {
            (g.problem_area_id, _key(g.title)): g for g in Goal.objects.filter(problem_area__plan=plan).order_by("-id")
        }
        self.measures = {}
        for m in plan_measures(plan):
            self.measures.setdefault((m.problem_area_id, _key(m.title)), m)
        self.organisations = {
            _key(o.name): o for o in Organisation.objects.filter(municipality=plan.municipality).order_by("id")
        }
        self.users = {
            u.email.casefold(): u
            for u in get_user_model().objects.filter(portal_roles__municipality=plan.municipality).distinct()
        }
        self.choices = {name: _choice_lookup(choices) for name, choices in CHOICES.items()}


def _split(content: str):
    first = content.split("\n", 1)[0]
    delimiter = ";" if ";" in first or "," not in first else ","
    return csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)


def measures_import_preview(*, plan: ActionPlan, content: str, create_missing: bool = False) -> ImportPreview:
    """Check the whole file against the plan and say, row by row, what an import would do. Writes nothing."""
    preview = ImportPreview()
    content = content.removeprefix("\ufeff")
    reader = _split(content)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
    except csv.Error as error:
        preview.file_errors.append(_("The file could not be read as CSV: %(error)s") % {"error": error})
        return preview
    if header is None:
        preview.file_errors.append(_("The file is empty."))
        return preview
    lookup = _header_lookup()
    keys, unknown, seen = [], [], set()
    for cell in header:
        text = cell.removeprefix("\ufeff").strip()
        key = lookup.get(_key(text)) if text else None
        if text and key is None:
            unknown.append(text)
        elif key is not None and key in seen:
            preview.file_errors.append(_("The column “%(column)s” appears twice.") % {"column": text})
        keys.append(key)
        if key is not None:
            seen.add(key)
    if unknown:
        preview.file_errors.append(
            _("The file has columns the import does not know: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    missing = [_column_label(k) for k in REQUIRED if k not in seen]
    if missing:
        preview.file_errors.append(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if preview.file_errors:
        return preview

    checker = _RowChecker(_Context(plan), keys, create_missing)
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row, messages = checker.check(cells, start)
            if messages:
                preview.row_errors.append(RowError(line=start, messages=messages))
            else:
                preview.rows.append(row)
    except csv.Error as error:
        preview.file_errors.append(
            _("Line %(line)s could not be read as CSV: %(error)s") % {"line": line + 1, "error": error}
        )
        return preview
    if not preview.rows and not preview.row_errors:
        preview.file_errors.append(_("The file has no measures."))
    preview.new_areas = list(checker.new_areas.values())
    preview.new_goals = list(checker.new_goals.values())
    return preview


class _RowChecker:
    """Checks one row at a time against the plan and what earlier rows of the file named."""

    def __init__(self, context: _Context, keys: list, create_missing: bool):
        self.context, self.keys, self.create_missing = context, keys, create_missing
        self.new_areas: dict[str, str] = {}
        self.new_goals: dict[tuple[str, str], tuple[str, str]] = {}
        self.first_line: dict[tuple[str, str], int] = {}

    def check(self, cells: list[str], line: int) -> tuple[ImportRow | None, list[str]]:
        self.messages, self.line = [], line
        if any(cell.strip() for cell in cells[len(self.keys) :]):
            self.bad(_("The row has more cells than the file has columns."))
        values = {
            key: (_text_in(cells[i]) if key in TEXT_COLUMNS else cells[i].strip()) if i < len(cells) else ""
            for i, key in enumerate(self.keys)
            if key
        }
        for key, limit in MAX_LENGTH.items():
            if len(values.get(key, "")) > limit:
                self.bad(_("%(column)s: at most %(max)s characters."), column=_column_label(key), max=limit)
        area = self.check_area_and_title(values)
        fields = {"title": values.get("title", "")}
        goal_title = self.check_goal(values, area)
        if "cause" in values:
            fields["cause"] = values["cause"]
        self.check_choices(values, fields)
        self.check_people(values, fields)
        self.check_dates(values, fields)
        self.check_numbers(values, fields)
        if self.messages:
            return None, self.messages
        title, area_title = fields["title"], values["area"]
        row = ImportRow(line=line, area=area_title, title=title, action="create", fields=fields, goal=goal_title)
        measure = self.context.measures.get((area.pk, _key(title))) if area is not None else None
        if measure is not None:
            row.measure = measure
            row.changes = _changes(measure, fields, goal_title)
            row.action = "update" if row.changes else "unchanged"
        return row, []

    def bad(self, message, **params):
        self.messages.append(message % params if params else message)

    def check_area_and_title(self, values) -> ProblemArea | None:
        area_title, title = values.get("area", ""), values.get("title", "")
        area = self.context.areas.get(_key(area_title))
        if not area_title:
            self.bad(_("The problem area is missing."))
        elif area is None:
            if self.create_missing:
                self.new_areas.setdefault(_key(area_title), area_title)
            else:
                self.bad(_("The plan has no problem area “%(name)s”."), name=area_title)
        if not title:
            self.bad(_("The measure has no title."))
        elif area_title:
            earlier = self.first_line.setdefault((_key(area_title), _key(title)), self.line)
            if earlier != self.line:
                self.bad(
                    _("The measure “%(title)s” in “%(area)s” is also on line %(line)s."),
                    title=title,
                    area=area_title,
                    line=earlier,
                )
        return area

    def check_goal(self, values, area) -> str | None:
        """The goal's title ("" for none), or None when the file has no goal column."""
        if "goal" not in values:
            return None
        goal_title, area_title = values["goal"], values.get("area", "")
        if goal_title and area_title:
            key = (_key(area_title), _key(goal_title))
            known = area is not None and (area.pk, key[1]) in self.context.goals
            if not known and key not in self.new_goals:
                if self.create_missing:
                    self.new_goals[key] = (area_title, goal_title)
                else:
                    self.bad(_("The problem area “%(area)s” has no goal “%(name)s”."), area=area_title, name=goal_title)
        return goal_title

    def check_choices(self, values, fields):
        for key in ("kind", "term", "status"):
            text = values.get(key, "")
            if not text:
                continue  # keeps the measure's value (a new measure gets the default)
            choice = self.context.choices[key].get(_key(text))
            if choice is None:
                self.bad(
                    _("%(column)s: “%(value)s” is not one of: %(choices)s."),
                    column=_column_label(key),
                    value=text,
                    choices=", ".join(str(label) for _value, label in CHOICES[key]),
                )
            else:
                fields[key] = choice

    def check_people(self, values, fields):
        municipality = self.context.plan.municipality.name
        if "organisation" in values:
            name = values["organisation"]
            organisation = self.context.organisations.get(_key(name)) if name else None
            if name and organisation is None:
                self.bad(
                    _("%(municipality)s has no organisation called “%(name)s”."), municipality=municipality, name=name
                )
            fields["responsible_organisation"] = organisation
        if "owner" in values:
            email = values["owner"]
            owner = self.context.users.get(email.casefold()) if email else None
            if email and owner is None:
                self.bad(
                    _("No one with the e-mail address “%(email)s” has a role in %(municipality)s."),
                    email=email,
                    municipality=municipality,
                )
            fields["owner"] = owner

    def check_dates(self, values, fields):
        for key, name in (("start", "start_date"), ("end", "end_date")):
            if key not in values:
                continue
            text = values[key]
            try:
                if text and len(text) != len("2024-01-31"):
                    raise ValueError
                fields[name] = date.fromisoformat(text) if text else None
            except ValueError:
                self.bad(
                    _("%(column)s: “%(value)s” is not a date; write it as YYYY-MM-DD."),
                    column=_column_label(key),
                    value=text,
                )
        start, end = fields.get("start_date"), fields.get("end_date")
        if start and end and end < start:
            self.bad(_("The measure cannot end before it starts."))

    def check_numbers(self, values, fields):
        if values.get("percent_done"):
            try:
                percent = int(values["percent_done"].removesuffix("%").strip())
                if not 0 <= percent <= 100:
                    raise ValueError
                fields["percent_done"] = percent
            except ValueError:
                self.bad(
                    _("%(column)s: “%(value)s” is not a whole number from 0 to 100."),
                    column=_column_label("percent_done"),
                    value=values["percent_done"],
                )
        for key in ("weight", "planned_cost", "planned_hours"):
            text = values.get(key)
            if text is None or (key == "weight" and not text):
                continue  # no column, or an empty weight: the measure keeps its value
            if not text:
                fields[key] = None
                continue
            try:
                number = _decimal(text)
            except (InvalidOperation, ValueError):
                self.bad(_("%(column)s: “%(value)s” is not a number."), column=_column_label(key), value=text)
                continue
            if number < 0:
                self.bad(_("%(column)s cannot be negative."), column=_column_label(key))
                continue
            try:
                _field(key).run_validators(number)
            except ValidationError as error:
                for message in error.messages:
                    self.bad("%(column)s: %(message)s", column=_column_label(key), message=message)
                continue
            fields[key] = number


def _display(value):
    if value is None or value == "":
        return "–"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _changes(measure: Measure, fields: dict, goal_title: str | None) -> list[dict]:
    changes = []
    for name, new in fields.items():
        old = getattr(measure, name)
        if name in ("responsible_organisation", "owner"):
            same = (old.pk if old else None) == (new.pk if new else None)
        elif old is None or new is None:
            same = old is None and new is None
        elif isinstance(old, Decimal) or isinstance(new, Decimal):
            same = Decimal(old) == Decimal(new)
        else:
            same = old == new
        if not same:
            model_field = _field(name)
            if model_field.choices:
                old, new = dict(model_field.choices).get(old, old), dict(model_field.choices).get(new, new)
            changes.append(
                {"field": capfirst(str(model_field.verbose_name)), "old": _display(old), "new": _display(new)}
            )
    if goal_title is not None:
        old_goal = measure.goal.title if measure.goal else ""
        if _key(old_goal) != _key(goal_title):
            changes.append(
                {
                    "field": capfirst(str(_field("goal").verbose_name)),
                    "old": _display(old_goal),
                    "new": _display(goal_title),
                }
            )
    return changes


@transaction.atomic
def measures_import(*, plan: ActionPlan, by, content: str, create_missing: bool = False) -> ImportPreview:
    """Write a clean file's measures into a draft plan, all or nothing.

    The file is checked again inside the transaction (the plan may have changed since the preview); with any
    error nothing is written and the preview with the errors is returned."""
    plan = ActionPlan.objects.select_for_update().select_related("municipality").get(pk=plan.pk)
    if not plan.is_editable:
        raise ValidationError(
            _("An adopted plan cannot be changed. Start the next plan from it instead."), code="plan_locked"
        )
    preview = measures_import_preview(plan=plan, content=content, create_missing=create_missing)
    if not preview.is_clean or not preview.rows:
        return preview
    areas = {_key(a.title): a for a in plan.problem_areas.all()}
    next_order = (plan.problem_areas.aggregate(top=Max("order"))["top"] or 0) + 1
    for title in preview.new_areas:
        area = ProblemArea(plan=plan, title=title, order=next_order)
        area._history_user = by
        area.full_clean()
        area.save()
        areas[_key(title)] = area
        next_order += 1
    goals = {
        (g.problem_area_id, _key(g.title)): g for g in Goal.objects.filter(problem_area__plan=plan).order_by("-id")
    }
    for area_title, goal_title in preview.new_goals:
        area = areas[_key(area_title)]
        order = (area.goals.aggregate(top=Max("order"))["top"] or 0) + 1
        goal = Goal(problem_area=area, title=goal_title, order=order)
        goal._history_user = by
        goal.full_clean()
        goal.save()
        goals[(area.pk, _key(goal_title))] = goal
    for row in preview.rows:
        if row.action == "unchanged":
            continue
        area = areas[_key(row.area)]
        fields = dict(row.fields)
        if row.goal is not None:
            fields["goal"] = goals[(area.pk, _key(row.goal))] if row.goal else None
        measure_save(measure=row.measure or Measure(problem_area=area), by=by, version=None, fields=fields)
    preview.written = True
    return preview
