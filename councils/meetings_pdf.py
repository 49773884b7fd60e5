"""Minutes as PDF: the internal version (everything, for the council's own people) and the public version
(only what the public page shows). Rendered by a worker; the file name carries a hash of the HTML, so a PDF is
always of the minutes as they are now and a changed draft is simply rendered again."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from core.pdf import html_to_pdf
from councils.models import Meeting

PDF_DIR = "councils/minutes"
TEMPLATE = "councils/meetings/minutes_pdf.html"


def minutes_context(meeting: Meeting, *, public: bool) -> dict:
    from councils import meetings_selectors as selectors

    if public:
        meeting = selectors.public_minutes(municipality=meeting.municipality, pk=meeting.pk)
        return {
            "meeting": meeting,
            "municipality": meeting.municipality,
            "public": True,
            "agenda": selectors.flatten(meeting.public_agenda),
            "decisions": meeting.public_decisions,
            "attendance": meeting.public_attendance,
        }
    agenda = selectors.flatten(selectors.agenda_tree(selectors.agenda_items(meeting)))
    numbers = {item.pk: item.number for item in agenda}
    decisions = list(selectors.decisions_of(meeting))
    for decision in decisions:
        decision.item_number = numbers.get(decision.agenda_item_id)
    return {
        "meeting": meeting,
        "municipality": meeting.municipality,
        "public": False,
        "agenda": agenda,
        "decisions": decisions,
        "register": selectors.attendance_register(meeting),
    }


def minutes_html(meeting: Meeting, *, public: bool) -> str:
    """Always in Swedish: the council's and the residents' language."""
    with translation.override("sv"):
        return render_to_string(TEMPLATE, minutes_context(meeting, public=public))


def minutes_pdf_name(meeting: Meeting, *, public: bool, html: str) -> str:
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:24]
    return f"{PDF_DIR}/{meeting.pk}/{'public' if public else 'internal'}-{digest}.pdf"


def minutes_pdf_ready(meeting: Meeting, *, public: bool) -> str | None:
    """The stored PDF of the minutes as they are now, or None when it has not been rendered yet."""
    name = minutes_pdf_name(meeting, public=public, html=minutes_html(meeting, public=public))
    return name if default_storage.exists(name) else None


def minutes_pdf_render(*, meeting_id: int, public: bool) -> str | None:
    """Render one version unless it is stored already; older files of that version are removed."""
    meeting = Meeting.objects.select_related("municipality", "council").filter(pk=meeting_id).first()
    if meeting is None or (public and not meeting.minutes_public):
        return None
    html = minutes_html(meeting, public=public)
    name = minutes_pdf_name(meeting, public=public, html=html)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(html_to_pdf(html)))
        if saved != name:  # Another worker stored the same version meanwhile.
            default_storage.delete(saved)
    folder = f"{PDF_DIR}/{meeting.pk}"
    prefix = "public-" if public else "internal-"
    _folders, files = default_storage.listdir(folder)
    for file_name in files:
        if file_name.startswith(prefix) and f"{folder}/{file_name}" != name:
            default_storage.delete(f"{folder}/{file_name}")
    if public:
        Meeting.objects.filter(pk=meeting.pk).update(minutes_pdf=name)
    return name
