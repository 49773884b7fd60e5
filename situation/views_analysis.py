"""The analysis page (figures, chart, map) and its CSV export, for the coordinator and the police liaison."""

import csv
import io
import math

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core import audit
from core.views import MunicipalityMixin
from situation.analysis import AnalysisResult, ComparisonRow, analysis_for, filter_options, incidents_for
from situation.forms_analysis import AnalysisFilterForm
from situation.models import Incident, Source, Tag, Visibility

# Distinguishable for the common kinds of colour blindness (Okabe–Ito, without the yellow that vanishes on
# white); the table beside the chart carries the same figures, so colour is never the only carrier.
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#882255", "#332288", "#999933"]
OTHER_COLOUR = "#6c757d"


class AnalysisMixin(MunicipalityMixin):
    permission_required = "situation.view_analysis"

    def get_filter_form(self):
        self.options = filter_options(self.municipality)
        return AnalysisFilterForm(self.request.GET, options=self.options)


class AnalysisView(AnalysisMixin, TemplateView):
    template_name = "situation/analysis.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_filter_form()
        context["form"] = form
        context["page_title"] = _("Analysis: figures, map and trends")
        context["situation_home_url"] = _reverse_or_none("situation:staff-home", self.municipality)
        if not form.is_valid():
            return context
        filters = form.filters()
        result = analysis_for(
            municipality=self.municipality, user=self.request.user, filters=filters, options=self.options
        )
        audit.record_incident_query(
            self.request,
            audit.Action.READ,
            "analysis",
            municipality=self.municipality,
            incidents=incidents_for(municipality=self.municipality, user=self.request.user, filters=filters),
        )
        query = form.data.urlencode() if hasattr(form.data, "urlencode") else ""
        context.update(
            result=result,
            chart=month_chart(result),
            cells=table_cells(result),
            map_data=result.map_data(),
            map_tile_url=settings.MAP_TILE_URL,
            map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
            csv_url=reverse("situation:analysis-csv", kwargs={"kommun": self.municipality.slug}) + f"?{query}",
            incident_list_url=_reverse_or_none("situation:incident-list", self.municipality),
        )
        return context


def _reverse_or_none(name, municipality):
    """Pages other parts of the situation picture provide; the analysis links to them once they exist."""
    try:
        return reverse(name, kwargs={"kommun": municipality.slug})
    except NoReverseMatch:
        return None


# ---- The chart ----------------------------------------------------------------------------------------------


def _nice_step(largest: int, lines: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten that splits the axis into about `lines` parts."""
    raw = max(1, largest) / lines
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, int(factor * power))
    return max(1, int(10 * power))


def _n(value: float) -> str:
    """A coordinate for SVG: a dot as decimal separator whatever the language, at most two decimals."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def month_chart(result: AnalysisResult, *, max_series: int = len(PALETTE) + 1) -> dict | None:
    """A stacked bar chart of incidents per month as inline SVG, with its legend.

    Drawn here rather than in a template: a two-year chart has hundreds of bar segments, and building their
    markup in Python is an order of magnitude faster than a template loop.
    """
    if not result.total:
        return None
    rows = result.category_months
    if len(rows) > max_series:
        shown, rest = rows[: max_series - 1], rows[max_series - 1 :]
        other = [sum(row.counts[i] for row in rest) for i in range(len(result.months))]
        series = [(row.label, row.counts, PALETTE[n]) for n, row in enumerate(shown)]
        series.append((_("Other categories"), other, OTHER_COLOUR))
    else:
        series = [(row.label, row.counts, PALETTE[n % len(PALETTE)]) for n, row in enumerate(rows)]

    count = len(result.months)
    labels = result.month_labels
    slot = max(8.0, min(48.0, 640 / count))
    left, right, top, bottom, plot_height = 44, 8, 16, 40, 220
    plot_right = left + slot * count
    baseline = top + plot_height
    largest = max(result.month_totals)
    step = _nice_step(largest)
    axis_top = step * math.ceil(largest / step)
    scale = plot_height / axis_top
    label_every = max(1, math.ceil(30 / slot))
    aria_label = _(
        "Bar chart of incidents per month from %(first)s to %(last)s, stacked by category. "
        "The table below has the same figures."
    ) % {"first": labels[0], "last": labels[-1]}

    # Text is escaped once here; everything else in the markup is a number or a colour of the palette.
    texts = [escape(label) for label, _counts, _colour in series]
    months = [escape(label) for label in labels]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(plot_right + right)} {top + plot_height + bottom}"'
        f' role="img" aria-label="{escape(aria_label)}" focusable="false"><g class="chart-grid">'
    ]
    for value in range(0, axis_top + 1, step):
        y = _n(baseline - value * scale)
        parts.append(
            f'<line x1="{left}" x2="{_n(plot_right)}" y1="{y}" y2="{y}"/>'
            f'<text x="{left - 6}" y="{y}" dy="0.32em" text-anchor="end">{value}</text>'
        )
    parts.append("</g>")
    labelled_year, month_y, year_y = None, baseline + 16, baseline + 32
    for i, month in enumerate(result.months):
        x, width, centre = _n(left + i * slot + slot * 0.15), _n(slot * 0.7), _n(left + (i + 0.5) * slot)
        parts.append('<g class="chart-bar">')
        y = baseline
        for n, (_label, counts, colour) in enumerate(series):
            if counts[i]:
                height = counts[i] * scale
                y -= height
                parts.append(
                    f'<rect x="{x}" y="{_n(y)}" width="{width}" height="{_n(height)}" fill="{colour}">'
                    f"<title>{texts[n]}, {months[i]}: {counts[i]}</title></rect>"
                )
        if slot >= 22 and result.month_totals[i]:
            parts.append(
                f'<text class="chart-total" x="{centre}" y="{_n(y - 4)}" text-anchor="middle">'
                f"{result.month_totals[i]}</text>"
            )
        if i % label_every == 0:
            short = months[i].split(" ")[0]
            parts.append(f'<text class="chart-month" x="{centre}" y="{month_y}" text-anchor="middle">{short}</text>')
            # The year goes under the first labelled month and under each labelled month of a new year.
            if month.year != labelled_year:
                labelled_year = month.year
                parts.append(
                    f'<text class="chart-year" x="{centre}" y="{year_y}" text-anchor="middle">{month.year}</text>'
                )
        parts.append("</g>")
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{_n(plot_right)}" y1="{baseline}" y2="{baseline}"/></svg>')
    return {
        # Safe: the only text from data went through escape() above.
        "svg": mark_safe("".join(parts)),
        "legend": [{"label": label, "colour": colour} for label, _counts, colour in series],
    }


# ---- Table cells --------------------------------------------------------------------------------------------

HOUR_HEADERS = mark_safe("".join(f'<th scope="col" class="num">{hour:02d}</th>' for hour in range(24)))


def _number_cells(numbers, css: str = "num") -> str:
    return mark_safe("".join(f'<td class="{css}">{n:d}</td>' for n in numbers))


def _comparison_cells(row: ComparisonRow) -> str:
    previous, year_earlier = row.previous, row.year_earlier
    return mark_safe(
        f'<td class="num">{row.current:d}</td>'
        f'<td class="num">{previous.base:d}</td>'
        f'<td class="num text-nowrap" data-change="previous">{previous.difference_display} '
        f"({previous.percent_display})</td>"
        f'<td class="num">{year_earlier.base:d}</td>'
        f'<td class="num text-nowrap" data-change="year">{year_earlier.difference_display} '
        f"({year_earlier.percent_display})</td>"
    )


def table_cells(result: AnalysisResult) -> dict:
    """The figures of the month, change and weekday × hour tables as markup, row by row (labels stay in the
    template, which escapes them).

    A two-year page has some 700 such cells, and joining them here is an order of magnitude faster than template
    loops (as for the chart). Safe: every value is an int formatted with `:d`, or a change display built from ints
    and fixed signs (`Change`).
    """
    return {
        "comparison_rows": [(row, _comparison_cells(row)) for row in result.comparisons],
        "comparison_total": _comparison_cells(result.comparison_total),
        "month_rows": [(row, _number_cells(row.counts)) for row in result.category_months],
        "month_totals": _number_cells(result.month_totals, "num fw-bold"),
        "hour_headers": HOUR_HEADERS,
        "weekday_rows": [
            (
                day,
                mark_safe("".join(f'<td class="num heat-{cell.level:d}">{cell.count:d}</td>' for cell in day.cells)),
            )
            for day in result.weekday_rows
        ],
        "hour_totals": _number_cells(result.hour_totals, "num fw-bold"),
    }


# ---- CSV export ---------------------------------------------------------------------------------------------


def _safe_text(value) -> str:
    """Free text that a spreadsheet would run as a formula starts with an apostrophe instead."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _decimal(value) -> str:
    return "" if value is None else str(value).replace(".", ",")


class AnalysisCsvView(AnalysisMixin, View):
    """Exactly the incidents the page counts with the same query string, one row each, streamed.

    Semicolons, decimal commas and a byte order mark: what Excel with Swedish settings opens without questions.
    """

    chunk_rows = 1000

    def get(self, request, *args, **kwargs):
        form = self.get_filter_form()
        if not form.is_valid():
            problems = [
                f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ]
            text = _("The filters could not be used:") + "\n" + "\n".join(problems) + "\n"
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        filters = form.filters()
        incidents = (
            incidents_for(municipality=self.municipality, user=request.user, filters=filters)
            .select_related("category__parent", "place__area", "area")
            .order_by("occurred_at", "pk")
        )
        audit.record_incident_query(
            request, audit.Action.EXPORT, "analysis_csv", municipality=self.municipality, incidents=incidents
        )
        with translation.override("sv"):
            header = [capfirst(Incident._meta.pk.verbose_name), capfirst(_field_label("occurred_at"))]
            header += [_("Main category")]
            header += [capfirst(_field_label(name)) for name in ("category", "tag", "area", "place", "address")]
            header += [capfirst(_field_label(name)) for name in ("latitude", "longitude", "source", "visibility")]
            header += [capfirst(_field_label("description"))]
            labels = {
                "tag": {value: str(label) for value, label in Tag.choices},
                "source": {value: str(label) for value, label in Source.choices},
                "visibility": {value: str(label) for value, label in Visibility.choices},
            }
        response = StreamingHttpResponse(
            self.lines(header, incidents.iterator(chunk_size=2000), labels), content_type="text/csv; charset=utf-8"
        )
        period = filters.period
        filename = f"analys-{self.municipality.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def lines(self, header, incidents, labels):
        """The file in pieces of `chunk_rows` rows, so that memory stays flat however many incidents match."""
        tz = timezone.get_default_timezone()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        buffer.write("\ufeff")  # Excel reads UTF-8 (å ä ö) only with a byte order mark.
        writer.writerow(header)
        for number, incident in enumerate(incidents, start=1):
            category = incident.category
            area = incident.area or (incident.place.area if incident.place else None)
            writer.writerow(
                [
                    incident.pk,
                    timezone.localtime(incident.occurred_at, tz).strftime("%Y-%m-%d %H:%M"),
                    _safe_text(category.parent.name if category.parent else category.name),
                    _safe_text(category.name),
                    labels["tag"].get(incident.tag, incident.tag),
                    _safe_text(area.name if area else ""),
                    _safe_text(incident.place.name if incident.place else ""),
                    _safe_text(incident.address),
                    _decimal(incident.latitude),
                    _decimal(incident.longitude),
                    labels["source"].get(incident.source, incident.source),
                    labels["visibility"].get(incident.visibility, incident.visibility),
                    _safe_text(incident.description),
                ]
            )
            if number % self.chunk_rows == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


def _field_label(name):
    return Incident._meta.get_field(name).verbose_name
