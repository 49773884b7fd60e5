"""Reading pages as a browser would: the forms on them (fields, options, current values), their links, and any
markup from the hostile input that would run (a script, an event handler or a javascript: URL calling alert()).

The standard library's HTMLParser is enough and parses the same way for every page, which a form class from
the view's context would not (htmx rows, confirmation pages and forms without a form class are pages too).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TEXT_KINDS = {"text", "textarea", "search", "tel", "email", "url", "password"}
# Script types a browser does not run (json_script's data islands).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcdoc", "data"}


@dataclass
class Field:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    required: bool = False

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name, kind, value="", *, checked=False, required=False):
        """Radio buttons, checkboxes and submit buttons sharing a name become one field with options."""
        existing = self.fields.get(name)
        if existing is None:
            existing = self.fields[name] = Field(name, kind, value="" if kind in CHOICE_KINDS else value or "")
        existing.required = existing.required or required
        if kind in CHOICE_KINDS and value is not None:  # A select's options come with its <option>s.
            existing.options.append(value)
            if checked:
                existing.checked.append(value)
        return existing


CHOICE_KINDS = {"radio", "checkbox", "submit", "select", "select-multiple"}


class _PageReader(HTMLParser):
    def __init__(self, url):
        super().__init__()
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None
        self._in_script = False
        self.runnable: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._find_runnable(tag, attrs)
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        if tag == "form":
            target = urlsplit(urljoin(self.url, a.get("action") or self.url))
            self._form = Form(
                action=target.path + (f"?{target.query}" if target.query else ""),
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None or ("name" not in a and tag != "option"):
            return
        required = "required" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("reset", "button", "image"):
                return
            self._form.add(a["name"], kind, a.get("value", "on" if kind == "checkbox" else ""),
                           checked="checked" in a, required=required)  # fmt: skip
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.add(a["name"], "submit", a.get("value", ""))
        elif tag == "select":
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = self._form.add(a["name"], kind, None, required=required)
        elif tag == "option" and self._select is not None:
            if self._option is not None:  # The previous option was not closed.
                self._close_option()
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea":
            self._textarea = self._form.add(a["name"], "textarea", required=required)
            self._textarea.value = ""

    def _find_runnable(self, tag, attrs):
        """Markup that calls alert(): what the hostile payloads leave behind where a page does not escape."""
        where = f"line {self.getpos()[0]}: <{tag}>"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert(" in value:
                self.runnable.append(f"{where} event handler {name}={value!r}")
            elif name in URL_ATTRIBUTES and "alert(" in value and (value.startswith("javascript:") or name == "srcdoc"):
                self.runnable.append(f"{where} {name}={value!r}")
        types = {value for name, value in attrs if name == "type"}
        self._in_script = tag == "script" and not types & DATA_SCRIPT_TYPES

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.runnable.append(f"line {self.getpos()[0]}: <script> running {data.strip()[:80]!r}")
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._option is not None:
                self._close_option()
            self._select = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that Django writes right after <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None

    def _close_option(self):
        option, self._option = self._option, None
        value = option["value"] if option["value"] is not None else option["text"].strip()
        self._select.options.append(value)
        if option["selected"]:
            self._select.checked.append(value)


def read_page(url: str, html: str) -> _PageReader:
    """The forms and links of a page, and the hostile markup in it that would run."""
    reader = _PageReader(url)
    reader.html = html
    reader.feed(html)
    reader.close()
    return reader


def runnable_markup(html: str) -> list[str]:
    """Every place in `html` where hostile markup would run; empty for a page that escaped its input."""
    return read_page("/", html).runnable
