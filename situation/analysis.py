"""The analysis of incidents (selectors): counts by category and month, changes, weekday × hour, places, map.

Every figure starts from `Incident.objects.visible_to(user, municipality)`, so nobody counts what they may not
read, and every figure is aggregated in the database: the number of queries is the same for ten incidents and
for a hundred thousand. Days, months, weekdays and hours are Swedish local time.
"""

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth
from django.utils import dateformat, timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.periods import add_months
from situation.models import Area, Incident, IncidentCategory

# A longer period makes a month table nobody can read and comparisons nobody asked for.
MAX_PERIOD_DAYS = 3660
EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)
TOP_PLACES = 10
HEAT_LEVELS = 4


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "ü": "y"})


def swedish(text: str) -> str:
    """A sort key in Swedish alphabetical order (… x y z å ä ö), which Python's code-point order is not."""
    return text.lower().translate(_SWEDISH_ORDER)


# ---- Periods ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in local time."""

    start: date
    end: date

    def __str__(self):
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    @property
    def month_count(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        first = self.start.replace(day=1)
        return [add_months(first, n) for n in range(self.month_count)]

    def bounds(self) -> tuple[datetime, datetime]:
        """From local midnight at the start to local midnight after the end (half open)."""
        tz = timezone.get_default_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz),
        )

    def as_q(self, field_name: str = "occurred_at") -> Q:
        low, high = self.bounds()
        return Q(**{f"{field_name}__gte": low, f"{field_name}__lt": high})

    def previous(self) -> "Period":
        """The period of the same length just before: whole months give whole months, otherwise whole days."""
        end = self.start - timedelta(days=1)
        if self.is_whole_months:
            return Period(add_months(self.start, -self.month_count), end)
        return Period(end - timedelta(days=self.days - 1), end)

    def year_earlier(self) -> "Period":
        return Period(add_months(self.start, -12), add_months(self.end, -12))


def default_period(today: date | None = None) -> Period:
    """The last twelve months: this month so far and the eleven whole months before it."""
    today = today or timezone.localdate()
    return Period(add_months(today.replace(day=1), -11), today)


# ---- Filters and their options ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisFilters:
    """What the analysis counts. Ids are expanded: a category with its subtypes, an area with its child areas."""

    period: Period
    category: IncidentCategory | None = None
    category_ids: frozenset[int] = frozenset()
    area: Area | None = None
    area_ids: frozenset[int] = frozenset()
    source: str = ""
    tag: str = ""


class FilterOptions:
    """The municipality's categories (inactive ones too: old incidents have them) and areas, as trees."""

    def __init__(self, categories: list[IncidentCategory], areas: list[Area]):
        self.categories = categories
        self.areas = areas
        self.category_by_id = {c.pk: c for c in categories}
        self.area_by_id = {a.pk: a for a in areas}

    @staticmethod
    def _tree(items, sort_key):
        children = defaultdict(list)
        ids = {item.pk for item in items}
        for item in items:
            children[item.parent_id if item.parent_id in ids else None].append(item)
        ordered: list[tuple[int, object]] = []

        def walk(parent_id, depth, seen):
            for item in sorted(children[parent_id], key=sort_key):
                if item.pk in seen:  # a cycle in bad data must not hang the page
                    continue
                ordered.append((depth, item))
                walk(item.pk, depth + 1, seen | {item.pk})

        walk(None, 0, frozenset())
        return ordered

    def category_tree(self) -> list[tuple[int, IncidentCategory]]:
        return self._tree(self.categories, lambda c: (c.order, swedish(c.name)))

    def area_tree(self) -> list[tuple[int, Area]]:
        return self._tree(self.areas, lambda a: swedish(a.name))

    @staticmethod
    def _with_descendants(root_id: int, items) -> frozenset[int]:
        children = defaultdict(list)
        for item in items:
            children[item.parent_id].append(item.pk)
        found, todo = set(), [root_id]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(children[current])
        return frozenset(found)

    def category_with_subtypes(self, category_id: int) -> frozenset[int]:
        return self._with_descendants(category_id, self.categories)

    def area_with_children(self, area_id: int) -> frozenset[int]:
        return self._with_descendants(area_id, self.areas)

    def category_label(self, category_id: int, fallback: str = "") -> str:
        category = self.category_by_id.get(category_id)
        if category is None:
            return fallback
        parent = self.category_by_id.get(category.parent_id)
        return f"{parent.name}: {category.name}" if parent else category.name


def filter_options(municipality) -> FilterOptions:
    categories = list(IncidentCategory.objects.filter(municipality=municipality).order_by("order", "name"))
    areas = list(Area.objects.filter(municipality=municipality).order_by("name"))
    return FilterOptions(categories, areas)


# ---- The filtered incidents ---------------------------------------------------------------------------------


def _scoped(*, municipality, user, filters: AnalysisFilters):
    """What the user may see, narrowed by every filter except the period."""
    incidents = Incident.objects.visible_to(user, municipality)
    if filters.category_ids:
        incidents = incidents.filter(category_id__in=filters.category_ids)
    if filters.area_ids:
        # The incident's own area wins; without one, its place's area counts.
        incidents = incidents.filter(
            Q(area_id__in=filters.area_ids) | Q(area__isnull=True, place__area_id__in=filters.area_ids)
        )
    if filters.source:
        incidents = incidents.filter(source=filters.source)
    if filters.tag:
        incidents = incidents.filter(tag=filters.tag)
    return incidents


def incidents_for(*, municipality, user, filters: AnalysisFilters):
    """Exactly the incidents the analysis counts (the CSV export lists these)."""
    return _scoped(municipality=municipality, user=user, filters=filters).filter(filters.period.as_q())


# ---- The result ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    current: int
    base: int

    @property
    def difference(self) -> int:
        return self.current - self.base

    @property
    def percent(self) -> int | None:
        """Rounded to whole per cent, half away from zero; None when there is nothing to compare with."""
        if not self.base:
            return None
        value = Decimal(self.difference * 100) / Decimal(self.base)
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @staticmethod
    def _signed(value: int) -> str:
        if value > 0:
            return f"+{value}"
        if value < 0:
            return f"\u2212{-value}"
        return "±0"

    @property
    def difference_display(self) -> str:
        return self._signed(self.difference)

    @property
    def percent_display(self) -> str:
        return "–" if self.percent is None else f"{self._signed(self.percent)}\u00a0%"


@dataclass(frozen=True)
class CategoryMonths:
    category_id: int
    label: str
    counts: list[int]
    total: int


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    current: int
    previous: Change
    year_earlier: Change


@dataclass(frozen=True)
class HeatCell:
    hour: int
    count: int
    level: int  # 0 for none, then 1 … HEAT_LEVELS by quantile of the non-empty cells


@dataclass(frozen=True)
class WeekdayRow:
    name: str
    cells: list[HeatCell]
    total: int


@dataclass(frozen=True)
class TopPlace:
    place_id: int
    name: str
    area: str
    is_hot_spot: bool
    count: int


@dataclass
class MapPoint:
    label: str
    latitude: float
    longitude: float
    is_hot_spot: bool = False
    count: int = 0
    categories: dict[str, int] = field(default_factory=dict)

    @property
    def category_counts(self) -> list[tuple[str, int]]:
        return sorted(self.categories.items(), key=lambda item: (-item[1], swedish(item[0])))

    def as_json(self) -> dict:
        return {
            "label": self.label,
            "lat": self.latitude,
            "lng": self.longitude,
            "count": self.count,
            "hotSpot": self.is_hot_spot,
            "summary": ngettext("%(count)d incident", "%(count)d incidents", self.count) % {"count": self.count},
            "categories": [{"name": name, "count": count} for name, count in self.category_counts],
        }


@dataclass
class AnalysisResult:
    filters: AnalysisFilters
    period: Period
    previous_period: Period
    year_earlier_period: Period
    months: list[date]
    category_months: list[CategoryMonths]
    month_totals: list[int]
    total: int
    comparisons: list[ComparisonRow]
    comparison_total: ComparisonRow
    weekday_rows: list[WeekdayRow]
    hour_totals: list[int]
    top_places: list[TopPlace]
    map_points: list[MapPoint]
    outlines: list[dict]

    @cached_property
    def month_labels(self) -> list[str]:
        return [month_label(month) for month in self.months]

    def map_data(self) -> dict:
        return {"points": [p.as_json() for p in self.map_points], "outlines": self.outlines}


def month_label(month: date) -> str:
    return dateformat.format(month, "b Y")


def heat_levels(counts: list[int]) -> list[int]:
    """Quantile of each count among the non-empty ones: the largest is always the darkest, zero is 0."""
    filled = sorted(c for c in counts if c)
    if not filled:
        return [0] * len(counts)
    levels = []
    for count in counts:
        if not count:
            levels.append(0)
        else:
            share = bisect_right(filled, count) / len(filled)
            levels.append(max(1, math.ceil(share * HEAT_LEVELS)))
    return levels


def _month_counts(incidents, options: FilterOptions, months: list[date], tz):
    rows = (
        incidents.annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month", "category_id", "category__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    index = {month: i for i, month in enumerate(months)}
    by_category: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for row in rows:
        position = index.get(timezone.localtime(row["month"], tz).date())
        if position is None:
            continue
        counts = by_category.setdefault(row["category_id"], [0] * len(months))
        counts[position] += row["n"]
        names[row["category_id"]] = row["category__name"]
    result = [
        CategoryMonths(category_id, options.category_label(category_id, names[category_id]), counts, sum(counts))
        for category_id, counts in by_category.items()
    ]
    result.sort(key=lambda row: (-row.total, swedish(row.label)))
    return result


def _comparisons(scoped, options: FilterOptions, periods: tuple[Period, Period, Period]):
    current, previous, year_earlier = (p.as_q() for p in periods)
    rows = (
        scoped.filter(current | previous | year_earlier)
        .values("category_id", "category__name")
        .annotate(
            current=Count("id", filter=current),
            previous=Count("id", filter=previous),
            year_earlier=Count("id", filter=year_earlier),
        )
        .order_by()
    )
    comparisons = [
        ComparisonRow(
            options.category_label(row["category_id"], row["category__name"]),
            row["current"],
            Change(row["current"], row["previous"]),
            Change(row["current"], row["year_earlier"]),
        )
        for row in rows
    ]
    comparisons.sort(key=lambda row: (-row.current, -row.previous.base, swedish(row.label)))
    current_total = sum(r.current for r in comparisons)
    total = ComparisonRow(
        _("All categories"),
        current_total,
        Change(current_total, sum(r.previous.base for r in comparisons)),
        Change(current_total, sum(r.year_earlier.base for r in comparisons)),
    )
    return comparisons, total


def _weekday_hours(incidents, tz):
    rows = (
        incidents.annotate(
            weekday=ExtractIsoWeekDay("occurred_at", tzinfo=tz), hour=ExtractHour("occurred_at", tzinfo=tz)
        )
        .values("weekday", "hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    grid = [[0] * 24 for _day in range(7)]
    for row in rows:
        grid[row["weekday"] - 1][row["hour"]] += row["n"]
    levels = heat_levels([count for day in grid for count in day])
    weekday_rows = [
        WeekdayRow(
            str(WEEKDAYS[day]),
            [HeatCell(hour, grid[day][hour], levels[day * 24 + hour]) for hour in range(24)],
            sum(grid[day]),
        )
        for day in range(7)
    ]
    hour_totals = [sum(grid[day][hour] for day in range(7)) for hour in range(24)]
    return weekday_rows, hour_totals


def _top_places(incidents):
    rows = (
        incidents.filter(place__isnull=False)
        .values("place_id", "place__name", "place__area__name", "place__is_hot_spot")
        .annotate(n=Count("id"))
        .order_by("-n", "place__name")[:TOP_PLACES]
    )
    return [
        TopPlace(
            place_id=row["place_id"],
            name=row["place__name"],
            area=row["place__area__name"] or "",
            is_hot_spot=row["place__is_hot_spot"],
            count=row["n"],
        )
        for row in rows
    ]


def _map_points(incidents, options: FilterOptions) -> list[MapPoint]:
    """Incidents at a place with coordinates gather on the place; others stand at their own coordinates."""
    place_located = Q(place__latitude__isnull=False, place__longitude__isnull=False)
    rows = (
        incidents.annotate(
            point_lat=Case(When(place_located, then=F("place__latitude")), default=F("latitude")),
            point_lng=Case(When(place_located, then=F("place__longitude")), default=F("longitude")),
        )
        .filter(point_lat__isnull=False, point_lng__isnull=False)
        .values("place_id", "place__name", "place__is_hot_spot", "point_lat", "point_lng", "category_id")
        .annotate(n=Count("id"), address=Min("address"))
        .order_by()
    )
    points: dict[tuple, MapPoint] = {}
    for row in rows:
        key = (row["place_id"], row["point_lat"], row["point_lng"])
        point = points.get(key)
        if point is None:
            label = row["place__name"] or row["address"] or f"{_('Position')} {row['point_lat']}, {row['point_lng']}"
            point = points[key] = MapPoint(
                label, float(row["point_lat"]), float(row["point_lng"]), bool(row["place__is_hot_spot"])
            )
        point.count += row["n"]
        name = options.category_label(row["category_id"], str(row["category_id"]))
        point.categories[name] = point.categories.get(name, 0) + row["n"]
    return sorted(points.values(), key=lambda p: (-p.count, swedish(p.label)))


def _outlines(options: FilterOptions, filters: AnalysisFilters) -> list[dict]:
    return [
        {"name": area.name, "geojson": area.outline}
        for area in options.areas
        if area.outline and (not filters.area_ids or area.pk in filters.area_ids)
    ]


def analysis_for(*, municipality, user, filters: AnalysisFilters, options: FilterOptions | None = None):
    """Every figure of the analysis page, in six aggregate queries (two more when `options` is not given)."""
    options = options or filter_options(municipality)
    tz = timezone.get_default_timezone()
    period = filters.period
    periods = (period, period.previous(), period.year_earlier())
    scoped = _scoped(municipality=municipality, user=user, filters=filters)
    incidents = scoped.filter(period.as_q())
    months = period.months()

    category_months = _month_counts(incidents, options, months, tz)
    month_totals = [sum(row.counts[i] for row in category_months) for i in range(len(months))]
    comparisons, comparison_total = _comparisons(scoped, options, periods)
    weekday_rows, hour_totals = _weekday_hours(incidents, tz)
    return AnalysisResult(
        filters=filters,
        period=period,
        previous_period=periods[1],
        year_earlier_period=periods[2],
        months=months,
        category_months=category_months,
        month_totals=month_totals,
        total=sum(month_totals),
        comparisons=comparisons,
        comparison_total=comparison_total,
        weekday_rows=weekday_rows,
        hour_totals=hour_totals,
        top_places=_top_places(incidents),
        map_points=_map_points(incidents, options),
        outlines=_outlines(options, filters),
    )
