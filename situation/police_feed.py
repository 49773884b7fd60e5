"""The police's open events feed: a polite client and the import of its events.

The feed's rules (docs in DESIGN.md): a User-Agent naming the client, HTTPS, at least 10 s between calls, at most
60 calls an hour and 1,440 a day, and a 404 means the address is gone for good. The client keeps its memory in
the FeedState row "police_events" and reserves a call under `select_for_update` before it makes it, so two workers
(or a worker and the management command) cannot both call, and a crash after the reservation still counts the
call. A 404 writes `disabled_reason`; no request is made again until an admin clears it
(`manage.py import_police_events --enable` or the FeedState row in the admin).

Only events whose `location.name` is a municipality on the portal are kept; the others are counted as skipped.
Messages here are for operators and logs, so they are plain English like Django's own commands.
"""

import json
import logging
import re
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone as django_timezone

from councils.models import Municipality
from situation.models import FeedState, PoliceEvent

logger = logging.getLogger(__name__)

STATE_KEY = "police_events"
MIN_INTERVAL = timedelta(seconds=10)
HOURLY_LIMIT = 60
DAILY_LIMIT = 1440
# The feed holds the latest 500 events, a few hundred kB; anything far larger is not the feed.
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
CLIENT_NAME = "BRA-portalen/1.0"

DATETIME_RE = re.compile(
    r"^\s*(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})"
    r"\s*(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})\s*$"
)
GPS_PLACES = Decimal("0.000001")


class FeedError(Exception):
    """The feed could not be read or its content is not the feed's format."""


class FeedRefused(FeedError):
    """The client refused to make a request (configuration or the rate rules); nothing was sent."""


class FeedRateLimited(FeedRefused):
    pass


class FeedDisabled(FeedRefused):
    """The feed answered 404 once; no request is made until an admin clears `FeedState.disabled_reason`."""


@dataclass
class ImportResult:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0  # location is not a municipality on the portal
    invalid: int = 0  # entries without an id, a readable time, a name or a location
    skipped_locations: Counter = field(default_factory=Counter)

    def __str__(self):
        return (
            f"fetched {self.fetched}, new {self.new}, already imported {self.duplicates}, "
            f"skipped (unknown location) {self.skipped}, invalid {self.invalid}"
        )


# --- the client ---------------------------------------------------------------------------------------------


class _NoDowngradeRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but never from HTTPS to plain HTTP."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(req.full_url).scheme == "https" and urlsplit(newurl).scheme != "https":
            raise FeedError(f"The feed redirected from HTTPS to {newurl!r}; refused.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def feed_enable() -> bool:
    """Clear a recorded 404 so that the client calls the feed again; True if it was disabled."""
    return bool(FeedState.objects.filter(key=STATE_KEY).exclude(disabled_reason="").update(disabled_reason=""))


class PoliceFeedClient:
    """Fetches the feed's JSON while obeying its rules; `now` is injectable so the rate rules can be tested."""

    def __init__(
        self,
        *,
        url: str | None = None,
        contact: str | None = None,
        allow_http: bool | None = None,
        now: Callable[[], datetime] = django_timezone.now,
        timeout: float = 30,
    ):
        self.url = settings.POLICE_FEED_URL if url is None else url
        self.contact = settings.POLICE_FEED_CONTACT if contact is None else contact
        self.allow_http = settings.POLICE_FEED_ALLOW_HTTP if allow_http is None else allow_http
        self.now = now
        self.timeout = timeout

    @property
    def user_agent(self) -> str:
        return f"{CLIENT_NAME} (+{self.contact})" if self.contact else CLIENT_NAME

    def fetch(self) -> bytes:
        """The feed's body. Raises FeedRefused without a request, FeedDisabled on a 404, FeedError otherwise."""
        self._check_url()
        self._reserve_call()
        return self._request()

    def _check_url(self):
        if not self.url:
            raise FeedRefused("POLICE_FEED_URL is not set.")
        scheme = urlsplit(self.url).scheme
        if scheme == "https" or (scheme == "http" and self.allow_http):
            return
        if scheme == "http":
            raise FeedRefused("The feed must be read over HTTPS; set POLICE_FEED_ALLOW_HTTP only for local tests.")
        raise FeedRefused(f"Not an HTTPS address: {self.url!r}.")

    def _reserve_call(self):
        """Check the rate rules and record the call under a row lock, before any byte is sent."""
        now = self.now()
        with transaction.atomic():
            state, _ = FeedState.objects.select_for_update().get_or_create(key=STATE_KEY)
            if state.disabled_reason:
                raise FeedDisabled(f"The feed is disabled: {state.disabled_reason}")
            if state.last_call_at and now - state.last_call_at < MIN_INTERVAL:
                wait = (MIN_INTERVAL - (now - state.last_call_at)).total_seconds()
                raise FeedRateLimited(f"The last call was under 10 s ago; wait {wait:.0f} s.")
            calls = [t for t in (_parse_iso(value) for value in state.calls) if t and now - t < timedelta(days=1)]
            if sum(1 for t in calls if now - t < timedelta(hours=1)) >= HOURLY_LIMIT:
                raise FeedRateLimited(f"{HOURLY_LIMIT} calls in the last hour; the feed allows no more.")
            if len(calls) >= DAILY_LIMIT:
                raise FeedRateLimited(f"{DAILY_LIMIT} calls in the last 24 hours; the feed allows no more.")
            calls.append(now)
            state.calls = [t.isoformat() for t in calls]
            state.last_call_at = now
            state.save(update_fields=["calls", "last_call_at"])

    def _request(self) -> bytes:
        request = urllib.request.Request(
            self.url, headers={"User-Agent": self.user_agent, "Accept": "application/json"}
        )
        opener = urllib.request.build_opener(_NoDowngradeRedirects)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                self._disable(f"HTTP 404 from {self.url} at {self.now().isoformat()}.")
                raise FeedDisabled(f"The feed answered 404 at {self.url}; it is now disabled.") from exc
            raise FeedError(f"The feed answered HTTP {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FeedError(f"The feed could not be reached: {exc}.") from exc
        if len(body) > MAX_RESPONSE_BYTES:
            raise FeedError("The feed's answer is larger than 10 MB; refused.")
        return body

    def _disable(self, reason: str):
        FeedState.objects.filter(key=STATE_KEY).update(disabled_reason=reason)
        logger.error("Police events feed disabled: %s Clear disabled_reason to call it again.", reason)


def _parse_iso(value) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- parsing ------------------------------------------------------------------------------------------------


def parse_feed_datetime(value: str) -> datetime:
    """'2018-04-13 9:58:49 +02:00' → an aware datetime with that offset (the hour may have one digit)."""
    match = DATETIME_RE.match(value or "")
    if not match:
        raise ValueError(f"Not a feed time: {value!r}")
    offset = timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
    if match["sign"] == "-":
        offset = -offset
    day = datetime.strptime(match["date"], "%Y-%m-%d")
    return day.replace(hour=int(match["h"]), minute=int(match["m"]), second=int(match["s"]), tzinfo=timezone(offset))


def _parse_gps(value) -> tuple[Decimal | None, Decimal | None]:
    try:
        lat, lng = (Decimal(part.strip()).quantize(GPS_PLACES) for part in str(value).split(","))
    except (ValueError, InvalidOperation, TypeError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None
    return lat, lng


def parse_feed(raw: bytes | str) -> list:
    """The feed's JSON array; FeedError if the content is not one."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"The feed's content is not valid JSON: {exc}.") from exc
    if not isinstance(data, list):
        raise FeedError("The feed's content is not a JSON array of events.")
    return data


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def municipality_lookup() -> dict[str, int]:
    """Names the feed may use for each municipality → its id: "Vaggeryd", "Vaggeryds kommun", "Hjo kommun"…"""
    exact, variants = {}, {}
    for pk, name in Municipality.objects.values_list("pk", "name"):
        key = _key(name)
        exact[key] = pk
        base = key
        for suffix in (" kommun", " stad"):
            if key.endswith(suffix):
                base = key.removesuffix(suffix)
                variants.setdefault(base, pk)
                if base.endswith("s"):
                    variants.setdefault(base[:-1], pk)
        for suffix in (" kommun", " stad"):
            variants.setdefault(base + suffix, pk)
            if not base.endswith("s"):
                variants.setdefault(base + "s" + suffix, pk)
    return {**variants, **exact}


def _event_fields(entry, lookup) -> tuple[str, dict | None]:
    """('ok', fields) for a known municipality, ('skipped', None) for another place, ('invalid', None)."""
    if not isinstance(entry, dict):
        return "invalid", None
    location = entry.get("location") if isinstance(entry.get("location"), dict) else {}
    try:
        event_id = int(entry["id"])
        occurred_at = parse_feed_datetime(entry["datetime"])
        name = str(entry["name"]).strip()
        location_name = str(location["name"]).strip()
    except (KeyError, TypeError, ValueError):
        return "invalid", None
    if not name or not location_name:
        return "invalid", None
    municipality_id = lookup.get(_key(location_name))
    if municipality_id is None:
        return "skipped", {"location_name": location_name}
    latitude, longitude = _parse_gps(location.get("gps"))
    return "ok", {
        "event_id": event_id,
        "municipality_id": municipality_id,
        "occurred_at": occurred_at,
        "name": name[:300],
        "summary": str(entry.get("summary") or "").strip(),
        "url": str(entry.get("url") or "").strip()[:500],
        "type": str(entry.get("type") or "").strip()[:150],
        "location_name": location_name[:150],
        "latitude": latitude,
        "longitude": longitude,
    }


# --- services -----------------------------------------------------------------------------------------------

UPDATED_FIELDS = [
    "municipality",
    "occurred_at",
    "name",
    "summary",
    "url",
    "type",
    "location_name",
    "latitude",
    "longitude",
]


@transaction.atomic
def police_events_import(*, events: list) -> ImportResult:
    """Store the events of known municipalities; an event already stored (same id) is refreshed, not doubled.

    The police revise an event's text as they learn more, so the latest version wins.
    """
    result = ImportResult(fetched=len(events))
    lookup = municipality_lookup()
    by_id: dict[int, dict] = {}
    for entry in events:
        outcome, fields = _event_fields(entry, lookup)
        if outcome == "invalid":
            result.invalid += 1
        elif outcome == "skipped":
            result.skipped += 1
            result.skipped_locations[fields["location_name"]] += 1
        elif fields["event_id"] in by_id:
            result.duplicates += 1  # the same id twice in one answer
        else:
            by_id[fields["event_id"]] = fields
    if not by_id:
        return result
    known = set(PoliceEvent.objects.filter(event_id__in=by_id).values_list("event_id", flat=True))
    PoliceEvent.objects.bulk_create(
        [PoliceEvent(**fields) for fields in by_id.values()],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["event_id"],
        update_fields=UPDATED_FIELDS,
    )
    result.duplicates += len(known)
    result.new = len(by_id) - len(known)
    return result


def police_events_import_file(*, path) -> ImportResult:
    """Import a saved copy of the feed (no request, no rate rules)."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_RESPONSE_BYTES + 1)
    if len(raw) > MAX_RESPONSE_BYTES:
        raise FeedError("The file is larger than 10 MB; it is not a copy of the feed.")
    return police_events_import(events=parse_feed(raw))


def police_events_import_from_feed(*, client: PoliceFeedClient | None = None) -> ImportResult:
    """Fetch the feed (obeying its rules) and import it."""
    client = client or PoliceFeedClient()
    result = police_events_import(events=parse_feed(client.fetch()))
    logger.info("Police events feed imported: %s", result)
    return result
