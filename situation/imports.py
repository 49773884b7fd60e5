"""Crime statistics from a CSV file: check the whole file, show what it would do, then write it in one go.

The columns (README, "Crime statistics CSV"): `kommunkod;period;category;count`, `;` or `,` as delimiter (read
from the header), UTF-8 with or without BOM. A period is `2024` (year), `2024-03` (month), `2024-T2` (tertial) or
`2024-Q1` (quarter). A file with any bad row is refused as a whole: `statistics_import` writes nothing unless
`statistics_parse` found no problem at all. A figure already stored for the same period and category is
updated. Between the preview and the confirmation the upload waits under MEDIA_ROOT/imports/statistics/, named
by a random token that only the uploader's session knows.
"""

import calendar
import contextlib
import csv
import io
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import Municipality
from situation.models import CrimeStatistic

logger = logging.getLogger(__name__)

COLUMNS = ("kommunkod", "period", "category", "count")
# Swedish headers that spreadsheets in the municipalities already use.
COLUMN_ALIASES = {"kategori": "category", "brottskategori": "category", "antal": "count"}
DELIMITERS = (";", ",")
PREVIEW_ROWS = 20
CATEGORY_MAX_LENGTH = CrimeStatistic._meta.get_field("category").max_length
COUNT_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL
FIRST_YEAR, LAST_YEAR = 1900, 2100

PERIOD_PATTERNS = [
    ("year", re.compile(r"^(?P<year>\d{4})$")),
    ("month", re.compile(r"^(?P<year>\d{4})-(?P<n>0?[1-9]|1[0-2])$")),
    ("tertial", re.compile(r"^(?P<year>\d{4})-[Tt](?P<n>[1-3])$")),
    ("quarter", re.compile(r"^(?P<year>\d{4})-[Qq](?P<n>[1-4])$")),
]
MONTHS_PER = {"year": 12, "month": 1, "tertial": 4, "quarter": 3}
KOMMUNKOD_RE = re.compile(r"^\d{3,4}$")  # Excel drops the leading zero of 0665
COUNT_RE = re.compile(r"^[-−]?\d+$")
SEPARATORS_RE = re.compile(r"[\s\u00a0\u202f]")

PENDING_DIR = "imports/statistics"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
PENDING_MAX_AGE = timedelta(days=1)


# --- periods ------------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_parse(value: str) -> tuple[date, date] | None:
    """'2024' → (2024-01-01, 2024-12-31); '2024-03', '2024-T2', '2024-Q1' likewise; None if not a period."""
    value = value.strip()
    for kind, pattern in PERIOD_PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        year = int(match["year"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        length = MONTHS_PER[kind]
        first_month = 1 if kind == "year" else (int(match["n"]) - 1) * length + 1
        return date(year, first_month, 1), _month_end(year, first_month + length - 1)
    return None


def period_label(start: date, end: date) -> str:
    """The file notation of a period ('2024', '2024-03', '2024-T2', '2024-Q1'), or 'start–end' otherwise."""
    if start.day == 1 and start.year == end.year and end == _month_end(end.year, end.month):
        months = end.month - start.month + 1
        if months == 12:
            return str(start.year)
        if months == 1:
            return f"{start.year}-{start.month:02d}"
        if months == 4 and start.month in (1, 5, 9):
            return f"{start.year}-T{(start.month - 1) // 4 + 1}"
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.isoformat()}–{end.isoformat()}"


# --- parsing ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class StatisticRow:
    line: int
    kommunkod: str
    period_start: date
    period_end: date
    category: str
    count: int

    @property
    def period(self) -> str:
        return period_label(self.period_start, self.period_end)

    @property
    def key(self) -> tuple[date, date, str]:
        return self.period_start, self.period_end, self.category


@dataclass
class RowError:
    line: int
    messages: list[str]

    @property
    def message(self) -> str:
        return " ".join(self.messages)


@dataclass
class ParseResult:
    municipality_id: int
    rows: list[StatisticRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    delimiter: str = ";"
    data_lines: int = 0  # rows in the file below the header, good and bad

    @property
    def is_valid(self) -> bool:
        return not self.file_error and not self.errors and bool(self.rows)

    @property
    def preview(self) -> list[StatisticRow]:
        return self.rows[:PREVIEW_ROWS]


class _FileProblem(Exception):
    pass


def _file_size(file) -> int | None:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    try:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    except (AttributeError, OSError):
        return None
    return size


def _too_large(limit: int) -> str:
    return _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes) -> str:
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _FileProblem(
            _(
                "This is a spreadsheet workbook, not a CSV file. Save it as “CSV UTF-8 (comma delimited)” "
                "and upload that file."
            )
        )
    if b"\x00" in data:
        raise _FileProblem(_not_utf8(_line_of(data, data.index(b"\x00"))))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end >= len(data):
            raise _FileProblem(_truncated(_line_of(data, exc.start))) from exc
        raise _FileProblem(_not_utf8(_line_of(data, exc.start))) from exc
    if not text.strip():
        raise _FileProblem(_("The file is empty."))
    return text


def _not_utf8(line: int) -> str:
    return _(
        "The file is not UTF-8 (the first unreadable character is on line %(line)d). Save it as “CSV UTF-8” "
        "and upload it again."
    ) % {"line": line}


def _truncated(line: int) -> str:
    return _(
        "The file seems to be cut off: its last line (line %(line)d) is incomplete. Upload the whole file again."
    ) % {"line": line}


def _read_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number where the row starts, fields) for every non-blank row, the header included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, previous = [], 0
    try:
        for fields in reader:
            start, previous = previous + 1, reader.line_num
            if any(value.strip() for value in fields):
                rows.append((start, fields))
    except csv.Error as exc:
        line = previous + 1
        if str(exc) == "unexpected end of data":  # a quoted value never closed before the end of the file
            raise _FileProblem(_truncated(line)) from exc
        raise _FileProblem(
            _("The file could not be read as CSV near line %(line)d: check the quotation marks.") % {"line": line}
        ) from exc
    return rows


def _header(first_line: str) -> tuple[str, dict[str, int]]:
    """The delimiter and the index of each column, read from the header line."""
    best = None
    for delimiter in DELIMITERS:
        try:
            names = next(csv.reader([first_line], delimiter=delimiter))
        except csv.Error:  # e.g. a cell longer than the csv module reads: no header with this delimiter
            continue
        normalised = [COLUMN_ALIASES.get(name.strip().casefold(), name.strip().casefold()) for name in names]
        index = {}
        for position, name in enumerate(normalised):
            if name in COLUMNS:
                index.setdefault(name, position)
        if best is None or len(index) > len(best[1]):
            best = (delimiter, index)
    delimiter, index = best or (DELIMITERS[0], {})
    if not index:
        raise _FileProblem(
            _("The first line must name the columns: kommunkod;period;category;count. This file has no such header.")
        )
    missing = [name for name in COLUMNS if name not in index]
    if missing:
        raise _FileProblem(
            _("The header lacks the column(s) %(columns)s. The columns are kommunkod, period, category and count.")
            % {"columns": ", ".join(missing)}
        )
    return delimiter, index


class _RowChecker:
    """Checks one row at a time. A file repeats a few codes and periods many times, so their checks are memoised."""

    def __init__(self, municipality: Municipality, width: int, index: dict[str, int]):
        self.municipality = municipality
        self.width = width
        self.positions = tuple(index[name] for name in COLUMNS)
        self.names_by_code = dict(Municipality.objects.values_list("kommunkod", "name"))
        self.first_line_of: dict[tuple, int] = {}
        self.codes: dict[str, tuple[str | None, str | None]] = {}
        self.periods: dict[str, tuple[tuple[date, date] | None, str | None]] = {}

    def check(self, line: int, fields: list[str]) -> tuple[StatisticRow | None, list[str]]:
        if len(fields) != self.width:
            if len(fields) > self.width and not any(value.strip() for value in fields[self.width :]):
                fields = fields[: self.width]  # empty trailing cells, as spreadsheets write them
            else:
                return None, [self._width_problem(len(fields))]
        code_at, period_at, category_at, count_at = self.positions
        problems = []

        value = fields[code_at].strip()
        if value not in self.codes:
            self.codes[value] = self._check_kommunkod(value)
        code, problem = self.codes[value]
        if problem:
            problems.append(problem)

        value = fields[period_at].strip()
        if value not in self.periods:
            self.periods[value] = self._check_period(value)
        period, problem = self.periods[value]
        if problem:
            problems.append(problem)

        category = self._category(fields[category_at], problems)
        count = self._count(fields[count_at].strip(), problems)
        if period and category:
            first = self.first_line_of.setdefault((*period, category), line)
            if first != line:
                problems.append(_("The same period and category as line %(line)d.") % {"line": first})
        if problems:
            return None, problems
        return StatisticRow(line, code, period[0], period[1], category, count), []

    def _width_problem(self, found: int) -> str:
        if found < self.width:
            message = _("The line has %(found)d columns and the header %(expected)d: a column is missing.")
        else:
            message = _(
                "The line has %(found)d columns and the header %(expected)d: a value may contain the "
                "delimiter without quotation marks."
            )
        return message % {"found": found, "expected": self.width}

    def _check_kommunkod(self, value: str) -> tuple[str | None, str | None]:
        own = self.municipality
        if not value:
            return None, _("The municipality code is missing.")
        if not KOMMUNKOD_RE.match(value):
            return None, _("“%(value)s” is not a municipality code (four digits, e.g. 0665).") % {"value": value}
        code = value.zfill(4)
        if code == own.kommunkod:
            return code, None
        params = {"code": code, "own": own.name, "own_code": own.kommunkod, "name": self.names_by_code.get(code)}
        if params["name"]:
            return None, (
                _("The municipality code %(code)s belongs to %(name)s; this import is for %(own)s (%(own_code)s).")
                % params
            )
        return None, _("The municipality code %(code)s does not match %(own)s (%(own_code)s).") % params

    def _check_period(self, value: str) -> tuple[tuple[date, date] | None, str | None]:
        if not value:
            return None, _("The period is missing.")
        period = period_parse(value)
        if period is None:
            return None, _(
                "“%(value)s” is not a period. Write 2024 (year), 2024-03 (month), 2024-T2 (tertial) or "
                "2024-Q1 (quarter)."
            ) % {"value": value}
        return period, None

    def _category(self, value: str, problems: list) -> str | None:
        value = value.strip()
        if "  " in value or not value.isprintable():
            value = " ".join(value.split())
        if not value:
            problems.append(_("The category is missing."))
            return None
        if len(value) > CATEGORY_MAX_LENGTH:
            problems.append(_("The category is longer than %(max)d characters.") % {"max": CATEGORY_MAX_LENGTH})
            return None
        return value

    def _count(self, value: str, problems: list) -> int | None:
        if value.isascii() and value.isdigit():
            count = int(value)
        else:
            digits = SEPARATORS_RE.sub("", value)  # "1 234" with a (non-breaking) space as thousands separator
            if not digits:
                problems.append(_("The count is missing."))
                return None
            if not COUNT_RE.match(digits):
                problems.append(_("“%(value)s” is not a whole number.") % {"value": value})
                return None
            count = int(digits.replace("−", "-"))
            if count < 0:
                problems.append(_("The count %(value)s is negative; a count is 0 or more.") % {"value": value})
                return None
        if count > COUNT_MAX:
            problems.append(_("The count %(value)s is too large.") % {"value": value})
            return None
        return count


def statistics_parse(*, file, municipality: Municipality, max_bytes: int | None = None) -> ParseResult:
    """Read and check a whole CSV file for `municipality`; nothing is written.

    A problem with the file as a whole (size, encoding, CSV syntax, header, cut off) is `file_error`; problems
    of single rows are `errors`, with line numbers. The size is checked before the file is read.
    """
    limit = settings.STAT_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    result = ParseResult(municipality_id=municipality.pk)
    try:
        size = _file_size(file)
        if size is not None and size > limit:
            raise _FileProblem(_too_large(limit))
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
        if len(data) > limit:
            raise _FileProblem(_too_large(limit))
        text = _decode(data)
        first_line = next(line for line in text.splitlines() if line.strip())
        result.delimiter, index = _header(first_line)
        rows = _read_rows(text, result.delimiter)
    except _FileProblem as problem:
        result.file_error = str(problem)
        return result

    header = rows[0][1]
    width = len(header)
    while not header[width - 1].strip():  # empty trailing cells, as spreadsheets write them
        width -= 1
    body = rows[1:]
    if not body:
        result.file_error = _("The file has a header but no rows.")
        return result
    last_line, last_fields = body[-1]
    if not text.endswith(("\n", "\r")) and len(last_fields) < width:
        result.file_error = _truncated(last_line)
        return result

    checker = _RowChecker(municipality, width, index)
    result.data_lines = len(body)
    for line, fields in body:
        row, problems = checker.check(line, fields)
        if problems:
            result.errors.append(RowError(line, problems))
        else:
            result.rows.append(row)
    return result


# --- comparing and writing ----------------------------------------------------------------------------------


@dataclass
class Comparison:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_rows: list[StatisticRow] = field(default_factory=list, repr=False)


def statistics_compare(*, result: ParseResult, municipality: Municipality) -> Comparison:
    """How many rows are new, how many change a stored figure, how many repeat it (one query)."""
    comparison = Comparison()
    if not result.rows:
        return comparison
    starts = [row.period_start for row in result.rows]
    stored = {
        (start, end, category): count
        for start, end, category, count in CrimeStatistic.objects.filter(
            municipality=municipality, period_start__gte=min(starts), period_start__lte=max(starts)
        ).values_list("period_start", "period_end", "category", "count")
    }
    for row in result.rows:
        before = stored.get(row.key)
        if before is None:
            comparison.new += 1
        elif before != row.count:
            comparison.updated += 1
        else:
            comparison.unchanged += 1
            continue
        comparison.changed_rows.append(row)
    return comparison


UNIQUE_FIELDS = ["municipality", "period_start", "period_end", "category"]


def _upsert_with_orm(*, municipality: Municipality, rows: list[StatisticRow], now) -> None:
    CrimeStatistic.objects.bulk_create(
        [
            CrimeStatistic(
                municipality=municipality,
                period_start=row.period_start,
                period_end=row.period_end,
                category=row.category,
                count=row.count,
                imported_at=now,
            )
            for row in rows
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=UNIQUE_FIELDS,
        update_fields=["count", "imported_at"],
    )


def _upsert_with_copy(*, municipality: Municipality, rows: list[StatisticRow], now) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … ON CONFLICT DO UPDATE.

    Model instances cost more than the database for a hundred thousand rows; this takes about a second.
    """
    quote = connection.ops.quote_name
    table = quote(CrimeStatistic._meta.db_table)
    columns = {
        name: quote(CrimeStatistic._meta.get_field(name).column) for name in [*UNIQUE_FIELDS, "count", "imported_at"]
    }
    incoming = quote("situation_statistic_incoming")
    start, end, category, count, imported_at = (
        columns[name] for name in ("period_start", "period_end", "category", "count", "imported_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {incoming} ({start} date NOT NULL, {end} date NOT NULL, "
            f"{category} varchar({CATEGORY_MAX_LENGTH}) NOT NULL, {count} integer NOT NULL) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY {incoming} ({start}, {end}, {category}, {count}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row.period_start, row.period_end, row.category, row.count))
        cursor.execute(
            f"INSERT INTO {table} ({columns['municipality']}, {start}, {end}, {category}, {count}, "
            f"{imported_at}) SELECT %s, {start}, {end}, {category}, {count}, %s FROM {incoming} "
            f"ON CONFLICT ({columns['municipality']}, {start}, {end}, {category}) "
            f"DO UPDATE SET {count} = EXCLUDED.{count}, {imported_at} = EXCLUDED.{imported_at}",
            [municipality.pk, now],
        )
        cursor.execute(f"DROP TABLE {incoming}")


UPSERTS = {"postgresql": _upsert_with_copy}


def statistics_import(*, result: ParseResult, municipality: Municipality, by) -> Comparison:
    """Write every row of a file without problems in one transaction; a stored period+category is updated.

    Refuses (ValidationError, nothing written) when the file had any problem or was checked for another
    municipality.
    """
    if result.municipality_id != municipality.pk:
        raise ValidationError(_("The file was checked for another municipality."), code="wrong_municipality")
    if not result.is_valid:
        raise ValidationError(
            _("The file has problems, so nothing was imported. Correct them and upload it again."),
            code="has_errors",
        )
    with transaction.atomic():
        comparison = statistics_compare(result=result, municipality=municipality)
        if comparison.changed_rows:
            upsert = UPSERTS.get(connection.vendor, _upsert_with_orm)
            upsert(municipality=municipality, rows=comparison.changed_rows, now=timezone.now())
    logger.info(
        "Crime statistics for %s imported by user %s: %d new, %d updated, %d unchanged.",
        municipality.kommunkod,
        getattr(by, "pk", None),
        comparison.new,
        comparison.updated,
        comparison.unchanged,
    )
    return comparison


def statistics_latest_periods(*, municipality: Municipality, limit: int = 12) -> list[dict]:
    """The latest imported periods of a municipality with their number of categories and total (one query)."""
    periods = (
        CrimeStatistic.objects.filter(municipality=municipality)
        .values("period_start", "period_end")
        .annotate(categories=Count("id"), total=Sum("count"), imported_at=Max("imported_at"))
        .order_by("-period_start", "period_end")[:limit]
    )
    return [{**period, "label": period_label(period["period_start"], period["period_end"])} for period in periods]


# --- the upload waiting between preview and confirmation ----------------------------------------------------


def _pending_name(token: str) -> str:
    if not TOKEN_RE.match(token or ""):
        raise ValueError("Not an upload token.")
    return f"{PENDING_DIR}/{token}.csv"


def pending_upload_save(*, file) -> str:
    """Store an uploaded file under a fresh random token and return the token; stale uploads are removed."""
    pending_uploads_purge()
    token = secrets.token_hex(16)
    if hasattr(file, "seek"):
        file.seek(0)
    saved = default_storage.save(_pending_name(token), file)
    if saved != _pending_name(token):  # the storage renamed it: never guess, start again
        default_storage.delete(saved)
        raise OSError("The upload could not be stored under its token.")
    return token


def pending_upload_open(token: str):
    return default_storage.open(_pending_name(token), "rb")


def pending_upload_delete(token: str) -> None:
    with contextlib.suppress(ValueError):
        default_storage.delete(_pending_name(token))


def pending_uploads_purge(*, max_age: timedelta = PENDING_MAX_AGE) -> int:
    """Remove uploads that were never confirmed or cancelled (older than a day)."""
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, NotImplementedError):
        return 0
    cutoff, removed = timezone.now() - max_age, 0
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except (FileNotFoundError, NotImplementedError):
            continue
    return removed
