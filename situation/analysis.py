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

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, DateField, Min, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth
from django.utils import dateformat, timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.periods import add_months
from situation.models import Area, Incident, IncidentCategory, Place

# A longer period makes a month table nobody can read and comparisons nobody asked for.
MAX_PERIOD_DAYS = 3660
EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)
TOP_PLACES = 10
HEAT_LEVELS = 4


_SWEDISH_ORDER = [("å", "{"), ("ä", "|"), ("æ", "|"), ("ö", "}"), ("ø", "}"), ("é", "e"), ("ü", "y")]


def swedish(text: str) -> str:
    """A sort key in Swedish alphabetical order (… x y z å ä ö), which Python's code-point order is not."""
    # str.replace, not str.translate: translate takes a slow path for non-ASCII text, several times slower, and a
    # page sorts hundreds of labels.
    key = text.lower()
    if not key.isascii():
        for letter, replacement in _SWEDISH_ORDER:
            key = key.replace(letter, replacement)
    return key


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

    @cached_property
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

    @cached_property  # read by the table and the map data, once the point is complete
    def category_counts(self) -> list[tuple[str, int]]:
        return sorted(self.categories.items(), key=lambda item: (-item[1], swedish(item[0])))

    @property
    def category_summary(self) -> str:
        return ", ".join(f"{name} ({count})" for name, count in self.category_counts)

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


# One pass over the period's incidents, grouped at once in the three ways the page needs (GROUPING SETS):
# category × month, weekday × hour, and place × own position × category (map points and top places). The
# database turns times into local months, weekdays and hours, as Django's TruncMonth and Extract* do. Who sees
# what stays the ORM's business: the scoped queryset's SQL is the inner query.
_PERIOD_COUNTS = """
SELECT CASE WHEN GROUPING(month) = 0 THEN 'month' WHEN GROUPING(hour) = 0 THEN 'hour' ELSE 'place' END,
       category_id, month, weekday, hour, place_id, latitude, longitude, count(*), min(address)
FROM (
    SELECT category_id, place_id, latitude, longitude, address,
           date_trunc('month', occurred_at AT TIME ZONE %s) AS month,
           extract(isodow FROM occurred_at AT TIME ZONE %s)::integer AS weekday,
           extract(hour FROM occurred_at AT TIME ZONE %s)::integer AS hour
    FROM ({incidents}) AS incident (occurred_at, category_id, place_id, latitude, longitude, address)
) AS incident
GROUP BY GROUPING SETS ((category_id, month), (weekday, hour), (place_id, latitude, longitude, category_id))
"""


@dataclass
class _PeriodCounts:
    """The raw groups of `_PERIOD_COUNTS`, by kind."""

    months: list[tuple] = field(default_factory=list)  # (category_id, first of month, count)
    hours: list[tuple] = field(default_factory=list)  # (ISO weekday, hour, count)
    places: list[tuple] = field(default_factory=list)  # (place_id, latitude, longitude, category_id, count, address)


def _period_counts(incidents) -> _PeriodCounts:
    if connection.vendor == "postgresql":
        return _period_counts_grouping_sets(incidents)
    return _period_counts_with_orm(incidents)


def _period_counts_with_orm(incidents) -> _PeriodCounts:
    """The same three groupings as `_PERIOD_COUNTS` in three ORM queries, for SQLite (the embedded default)."""
    incidents = incidents.order_by()
    months = (
        incidents.annotate(month=TruncMonth("occurred_at", output_field=DateField()))
        .values_list("category_id", "month")
        .annotate(n=Count("pk"))
    )
    hours = (
        incidents.annotate(weekday=ExtractIsoWeekDay("occurred_at"), hour=ExtractHour("occurred_at"))
        .values_list("weekday", "hour")
        .annotate(n=Count("pk"))
    )
    places = incidents.values_list("place_id", "latitude", "longitude", "category_id").annotate(
        n=Count("pk"), first_address=Min("address")
    )
    return _PeriodCounts(months=list(months), hours=list(hours), places=list(places))


def _period_counts_grouping_sets(incidents) -> _PeriodCounts:
    """PostgreSQL: one pass over the period with GROUPING SETS (`_PERIOD_COUNTS`)."""
    counts = _PeriodCounts()
    try:
        sql, params = (
            incidents.order_by()
            .values_list("occurred_at", "category_id", "place_id", "latitude", "longitude", "address")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # a scope that can match nothing (`.none()`)
        return counts
    tz_name = timezone.get_default_timezone_name()
    with connection.cursor() as cursor:
        cursor.execute(_PERIOD_COUNTS.format(incidents=sql), [tz_name, tz_name, tz_name, *params])
        for kind, category_id, month, weekday, hour, place_id, latitude, longitude, n, address in cursor.fetchall():
            if kind == "month":
                counts.months.append((category_id, month.date(), n))
            elif kind == "hour":
                counts.hours.append((weekday, hour, n))
            else:
                counts.places.append((place_id, latitude, longitude, category_id, n, address))
    return counts


def _earlier_counts(scoped, previous: Period, year_earlier: Period) -> dict[int, tuple[int, int]]:
    """Per category: the incidents of the previous period and of the same period a year earlier."""
    before, year_before = previous.as_q(), year_earlier.as_q()
    first, second = sorted((previous, year_earlier), key=lambda p: p.start)
    if second.start <= first.end + timedelta(days=1):
        # From about six months on the two periods overlap or touch: one range of time (the same incidents),
        # which the index on (municipality, category, time) can answer alone when the scope reads no other column.
        either = Period(first.start, max(first.end, second.end)).as_q()
    else:
        either = before | year_before
    rows = (
        scoped.filter(either)
        .values("category_id")
        # Counting a column of that index (never null), not the primary key, which is not in it.
        .annotate(previous=Count("category_id", filter=before), year_earlier=Count("category_id", filter=year_before))
        .values_list("category_id", "previous", "year_earlier")
        .order_by()
    )
    return {category_id: (n_previous, n_year_earlier) for category_id, n_previous, n_year_earlier in rows}


def _category_labels(options: FilterOptions, category_ids) -> dict[int, str]:
    """Labels with the main category; a category of another municipality (bad data) is named from the database."""
    missing = [pk for pk in category_ids if pk not in options.category_by_id]
    names = dict(IncidentCategory.objects.filter(pk__in=missing).values_list("pk", "name")) if missing else {}
    return {pk: options.category_label(pk, names.get(pk, str(pk))) for pk in category_ids}


def _month_rows(counts: _PeriodCounts, labels: dict[int, str], months: list[date]) -> list[CategoryMonths]:
    index = {month: i for i, month in enumerate(months)}
    by_category: dict[int, list[int]] = {}
    for category_id, month, n in counts.months:
        position = index.get(month)
        if position is not None:
            by_category.setdefault(category_id, [0] * len(months))[position] += n
    result = [
        CategoryMonths(category_id, labels[category_id], month_counts, sum(month_counts))
        for category_id, month_counts in by_category.items()
    ]
    result.sort(key=lambda row: (-row.total, swedish(row.label)))
    return result


def _comparison_rows(
    category_months: list[CategoryMonths], earlier: dict[int, tuple[int, int]], labels: dict[int, str]
) -> tuple[list[ComparisonRow], ComparisonRow]:
    current = {row.category_id: row.total for row in category_months}
    comparisons = []
    for category_id in current.keys() | earlier.keys():
        n, (n_previous, n_year_earlier) = current.get(category_id, 0), earlier.get(category_id, (0, 0))
        comparisons.append(ComparisonRow(labels[category_id], n, Change(n, n_previous), Change(n, n_year_earlier)))
    comparisons.sort(key=lambda row: (-row.current, -row.previous.base, swedish(row.label)))
    current_total = sum(r.current for r in comparisons)
    total = ComparisonRow(
        _("All categories"),
        current_total,
        Change(current_total, sum(r.previous.base for r in comparisons)),
        Change(current_total, sum(r.year_earlier.base for r in comparisons)),
    )
    return comparisons, total


def _weekday_rows(counts: _PeriodCounts) -> tuple[list[WeekdayRow], list[int]]:
    grid = [[0] * 24 for _day in range(7)]
    for weekday, hour, n in counts.hours:
        grid[weekday - 1][hour] += n
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


@dataclass(frozen=True)
class _Place:
    name: str
    area: str
    is_hot_spot: bool
    latitude: Decimal | None
    longitude: Decimal | None


def _places(counts: _PeriodCounts) -> dict[int, _Place]:
    place_ids = {place_id for place_id, *_rest in counts.places if place_id is not None}
    if not place_ids:
        return {}
    rows = Place.objects.filter(pk__in=place_ids).values_list(
        "pk", "name", "area__name", "is_hot_spot", "latitude", "longitude"
    )
    return {pk: _Place(name, area or "", hot, lat, lng) for pk, name, area, hot, lat, lng in rows}


def _top_places(counts: _PeriodCounts, places: dict[int, _Place]) -> list[TopPlace]:
    by_place: dict[int, int] = defaultdict(int)
    for place_id, _lat, _lng, _category_id, n, _address in counts.places:
        if place_id in places:  # not None, and not deleted since the counts were taken
            by_place[place_id] += n
    ranked = sorted(by_place.items(), key=lambda item: (-item[1], places[item[0]].name))[:TOP_PLACES]
    return [
        TopPlace(
            place_id=place_id,
            name=places[place_id].name,
            area=places[place_id].area,
            is_hot_spot=places[place_id].is_hot_spot,
            count=n,
        )
        for place_id, n in ranked
    ]


def _map_points(counts: _PeriodCounts, places: dict[int, _Place], labels: dict[int, str]) -> list[MapPoint]:
    """Incidents at a place with coordinates gather on the place; others stand at their own coordinates."""
    groups: dict[tuple, list] = {}
    for place_id, latitude, longitude, category_id, n, address in counts.places:
        place = places.get(place_id) if place_id is not None else None
        if place is not None and place.latitude is not None and place.longitude is not None:
            latitude, longitude = place.latitude, place.longitude
        elif latitude is None or longitude is None:
            continue
        group = groups.setdefault((place_id, latitude, longitude), [address, defaultdict(int)])
        group[0] = min(group[0], address)
        group[1][category_id] += n
    points = []
    for (place_id, latitude, longitude), (address, by_category) in groups.items():
        place = places.get(place_id) if place_id is not None else None
        label = (place.name if place else "") or address or f"{_('Position')} {latitude}, {longitude}"
        point = MapPoint(label, float(latitude), float(longitude), bool(place and place.is_hot_spot))
        for category_id, n in by_category.items():
            point.count += n
            name = labels[category_id]
            point.categories[name] = point.categories.get(name, 0) + n
        points.append(point)
    return sorted(points, key=lambda p: (-p.count, swedish(p.label)))


def _outlines(options: FilterOptions, filters: AnalysisFilters) -> list[dict]:
    return [
        {"name": area.name, "geojson": area.outline}
        for area in options.areas
        if area.outline and (not filters.area_ids or area.pk in filters.area_ids)
    ]


def analysis_for(*, municipality, user, filters: AnalysisFilters, options: FilterOptions | None = None):
    """Every figure of the analysis page, in two aggregate queries and one for the places found (two more when
    `options` is not given)."""
    options = options or filter_options(municipality)
    period = filters.period
    previous, year_earlier = period.previous(), period.year_earlier()
    scoped = _scoped(municipality=municipality, user=user, filters=filters)
    months = period.months()

    counts = _period_counts(scoped.filter(period.as_q()))
    earlier = _earlier_counts(scoped, previous, year_earlier)
    places = _places(counts)
    labels = _category_labels(
        options,
        {category_id for category_id, _month, _n in counts.months} | {row[3] for row in counts.places} | earlier.keys(),
    )
    category_months = _month_rows(counts, labels, months)
    month_totals = [sum(row.counts[i] for row in category_months) for i in range(len(months))]
    comparisons, comparison_total = _comparison_rows(category_months, earlier, labels)
    weekday_rows, hour_totals = _weekday_rows(counts)
    return AnalysisResult(
        filters=filters,
        period=period,
        previous_period=previous,
        year_earlier_period=year_earlier,
        months=months,
        category_months=category_months,
        month_totals=month_totals,
        total=sum(month_totals),
        comparisons=comparisons,
        comparison_total=comparison_total,
        weekday_rows=weekday_rows,
        hour_totals=hour_totals,
        top_places=_top_places(counts, places),
        map_points=_map_points(counts, places, labels),
        outlines=_outlines(options, filters),
    )
