"""The generic driver: which pages to visit and as whom (from the permission matrix), what to send to each
field of a form or to a page's query parameters, and what every answer must satisfy.

A page a new view adds to the matrix is visited, and its forms driven, without a line here.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from tests.conftest import ROLES
from tests.councils.test_permissions import MATRIX, OK
from tests.hostile import values
from tests.hostile.markup import Field, Form, read_page

# Tried in this order for a page that not everybody may open: the role with the most fields to fill.
STAFF_ROLES = ("coordinator", "police", "member", "reporter", "superuser")
# Forms on every page that end the visit instead of testing anything, and Django's admin (not the portal's).
SKIPPED_ACTIONS = {"accounts:logout", "set_language"}
SKIPPED_NAMESPACES = {"admin", "api"}

HYPOTHESIS = {
    # No shrinking: each example is a round trip to the portal, and a failure is readable as it was found.
    "phases": [Phase.explicit, Phase.generate],
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
# Every field gets a mode; hostile and valid values are most of them, missing and repeated fields the rest.
MODES = ["hostile", "hostile", "hostile", "valid", "valid", "missing", "repeated"]


def acting_role(outcomes) -> str | None:
    """Who visits a page: a visitor if the page is public (residents are the public attackers), else staff."""
    by_role = dict(zip(ROLES, outcomes, strict=True))
    if by_role["anonymous"] == OK:
        return "anonymous"
    return next((role for role in STAFF_ROLES if by_role[role] == OK), None)


def page_cases() -> list[tuple[str, str]]:
    """(URL name, role) for every page of the matrix some role may open with a GET."""
    cases = []
    for name, (_kwargs, outcomes) in sorted(MATRIX.items()):
        role = acting_role(outcomes)
        if role and name.split(":")[0] not in SKIPPED_NAMESPACES:
            cases.append((name, role))
    return cases


def signed_in(world, role) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def postable_forms(page) -> list[Form]:
    """The POST forms of a page, one per target URL, without the logout and language switches of the layout."""
    forms, seen = [], set()
    for form in page.forms:
        name = view_name(form.action)
        if form.method != "post" or form.action in seen or name in SKIPPED_ACTIONS:
            continue
        if name and name.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        seen.add(form.action)
        forms.append(form)
    return forms


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and not response.streaming


# ---- What to send ----------------------------------------------------------------------------------------------

_HOSTILE_BY_KIND = {
    "email": values.hostile_email,
    "number": values.hostile_number,
    "range": values.hostile_number,
    "date": values.hostile_date,
    "month": values.hostile_date,
    "time": values.hostile_time,
    "datetime-local": values.hostile_datetime,
    "select": values.hostile_choice,
    "select-multiple": values.hostile_choice,
    "radio": values.hostile_choice,
    "checkbox": values.hostile_choice,
    "submit": values.hostile_choice,
}
_VALID_BY_KIND = {
    "email": st.just("hostile@example.se"),
    "url": st.just("https://example.se/?q=%3Cscript%3E"),
    "number": st.sampled_from(["1", "4"]),
    "range": st.just("1"),
    "date": st.dates().map(str).filter(lambda d: "2000" <= d <= "2030"),
    "time": st.sampled_from(["08:00", "18:30"]),
    "datetime-local": st.sampled_from(["2026-05-04T18:00", "2026-09-14T09:30"]),
}


def _valid(field: Field):
    """A value the field accepts as far as its markup tells: its own, an option, or benign-looking text."""
    options = [option for option in field.options if option != ""]
    if field.kind in ("select", "radio", "submit") and options:
        return st.sampled_from(options)
    if field.kind in ("select-multiple", "checkbox") and options:
        return st.lists(st.sampled_from(options), unique=True, max_size=len(options))
    if field.kind in ("hidden", "password") or (field.value and field.kind not in ("text", "textarea")):
        return st.just(field.value)
    if field.kind in ("text", "textarea", "search", "tel"):
        return st.one_of(st.just(field.value), values.benign_text) if field.value else values.benign_text
    return _VALID_BY_KIND.get(field.kind, st.just(field.value))


def draw_form_data(data, form: Form) -> dict:
    """One hostile submission of `form`: every field valid, hostile, missing or sent twice."""
    sent = {}
    for field in form.fields.values():
        if field.kind == "file" or field.name == "csrfmiddlewaretoken":
            continue
        mode = data.draw(st.sampled_from(MODES), label=f"{field.name} mode")
        if mode == "missing":
            continue
        hostile = data.draw(_HOSTILE_BY_KIND.get(field.kind, values.hostile_text), label=field.name)
        if mode == "hostile":
            sent[field.name] = hostile
            continue
        valid = data.draw(_valid(field), label=field.name)
        sent[field.name] = [*_listed(valid), hostile] if mode == "repeated" else valid
    return sent


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def draw_query(data, path: str, page) -> str:
    """A URL of the page with hostile values for the parameters its own filter forms and links use."""
    known = {"page": []}
    for form in page.forms if page else []:
        if form.method == "get":
            for field in form.fields.values():
                known.setdefault(field.name, []).extend(field.options or [field.value])
    for link in page.links if page else []:
        if urlsplit(link).path == path:
            for name, value in parse_qsl(urlsplit(link).query, keep_blank_values=True):
                known.setdefault(name, []).append(value)
    params = []
    for name, options in sorted(known.items()):
        mode = data.draw(st.sampled_from(MODES), label=f"?{name} mode")
        hostile = data.draw(values.hostile_text | values.hostile_number | values.hostile_date, label=f"?{name}")
        if mode in ("valid", "repeated") and options:
            params.append((name, data.draw(st.sampled_from(options), label=f"?{name}")))
        if mode in ("hostile", "repeated"):
            params.append((name, hostile))
    params.append((data.draw(values.hostile_text, label="?<name>"), data.draw(values.hostile_text, label="?<x>")))
    query = urlencode(params)
    raw = data.draw(st.none() | st.sampled_from(values.RAW_QUERY_STRINGS), label="raw query")
    return f"{path}?{query}&{raw}" if raw else f"{path}?{query}"


def _later(name: str) -> bool:
    return any(word in name for word in ("end", "until", "to", "slut"))


_PLAIN_BY_KIND = {
    "email": lambda name: "stored@example.se",
    "url": lambda name: "https://example.se/",
    "number": lambda name: "1",
    "date": lambda name: "2026-12-31" if _later(name) else "2026-01-15",
    "time": lambda name: "20:00" if _later(name) else "18:00",
    "datetime-local": lambda name: "2026-12-31T20:00" if _later(name) else "2026-01-15T18:00",
}


def plain_submission(form: Form, text: str) -> dict:
    """What a careful user would send, with `text` in every text field: the way markup gets stored."""
    sent = {}
    for field in form.fields.values():
        options = [option for option in field.options if option != ""]
        chosen = [option for option in field.checked if option != ""]
        if field.is_text and field.kind not in ("email", "url", "password"):
            sent[field.name] = text
        elif field.kind in ("select", "radio", "submit") and options:
            sent[field.name] = (chosen or options)[0]
        elif field.kind in ("select-multiple", "checkbox"):
            sent[field.name] = field.checked
        elif field.value:
            sent[field.name] = field.value
        elif field.kind in _PLAIN_BY_KIND:
            sent[field.name] = _PLAIN_BY_KIND[field.kind](field.name)
    return sent


# ---- What every answer must satisfy -----------------------------------------------------------------------------


def assert_sound(response, where: str):
    """No server error, and no markup from the input that would run. Gives the page read, if it is HTML."""
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if not is_html(response):
        return None
    page = read_page(response.wsgi_request.path, response.content.decode())
    assert not page.runnable, f"{where}: markup from the input would run:\n" + "\n".join(page.runnable)
    return page


def assert_values_kept(page, form: Form, sent: dict, where: str):
    """A form shown again (with its errors) keeps what the user typed in its text fields."""
    shown = {name: field for again in page.forms for name, field in again.fields.items() if field.is_text}
    for name, value in sent.items():
        field, asked = shown.get(name), form.fields.get(name)
        if field is None or asked is None or not asked.is_text or field.kind == "password" or isinstance(value, list):
            continue
        # Compared without surrounding whitespace: fields strip it, and crispy-forms collapses a blank textarea.
        assert field.value.strip() == value.strip(), (
            f"{where}: the field {name} was shown again with {field.value[:200]!r} instead of {value[:200]!r}"
        )


def submit(client, form: Form, sent: dict, where: str):
    """POST one submission; a form shown again must keep the input, a page it leads to must escape it."""
    note(f"POST {form.action} {sent!r}")
    response = client.post(form.action, sent)
    page = assert_sound(response, where)
    if page is not None and response.status_code == 200:
        assert_values_kept(page, form, sent, where)
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    if location.startswith("/"):
        assert_sound(client.get(location), f"{where} → {location}")


def run_isolated(body):
    """Runs `body` in a savepoint that is rolled back whatever happens, so examples cannot see each other; the
    cache (request limits, cached public pages) is emptied first for the same reason."""
    cache.clear()
    with transaction.atomic():
        body()
        transaction.set_rollback(True)


def form_examples(form: Form) -> int:
    """Forms with something to type get the most examples; a confirmation button only needs a few."""
    return 5 if any(field.is_text for field in form.fields.values()) else 2


def drive_form(client, form: Form, where: str):
    @settings(max_examples=form_examples(form), **HYPOTHESIS)
    @given(data=st.data())
    def run(data):
        run_isolated(lambda: submit(client, form, draw_form_data(data, form), where))

    run()


def drive_query_strings(client, path: str, page, examples: int):
    @settings(max_examples=examples, **HYPOTHESIS)
    @given(data=st.data())
    def run(data):
        def body():
            url = draw_query(data, path, page)
            note(f"GET {url}")
            assert_sound(client.get(url), f"GET {url}")

        run_isolated(body)

    run()
