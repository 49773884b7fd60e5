"""Meeting pages: the coordinator's (and the police liaison's) scheduling, agenda, attendance register, minutes
and decisions; the council's insiders read them; residents read the published public part."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core import audit
from core.pdf import pdf_or_waiting_page
from core.public_cache import PublicPageCacheMixin
from core.views import MunicipalityMixin, add_service_errors, validation_messages
from councils import meetings_selectors as selectors
from councils import meetings_services as services
from councils.meetings_forms import (
    AgendaItemForm,
    AttendanceRowForm,
    ConfirmForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
)
from councils.models import AgendaItem, Council, Decision, Meeting, Membership, Municipality

VIEW = "councils.view_meetings"
MANAGE = "councils.manage_meetings"


class MeetingScopedMixin(MunicipalityMixin):
    """Looks the meeting up within the current municipality: another tenant's id answers 404."""

    permission_required = MANAGE

    def get_meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            try:
                self._meeting = selectors.meeting_for_staff(municipality=self.municipality, pk=self.kwargs["pk"])
            except Meeting.DoesNotExist:
                raise Http404 from None
        return self._meeting

    def detail_url(self):
        return self.get_meeting().get_absolute_url()

    def locked_response(self):
        """Approved minutes and cancelled meetings are not edited: back to the meeting, saying why."""
        try:
            services.require_changeable(self.get_meeting())
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(self.request, message)
            return redirect(self.detail_url())
        return None

    def numbered_items(self):
        return selectors.flatten(selectors.agenda_tree(selectors.agenda_items(self.get_meeting())))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("meeting", self.get_meeting())
        kwargs.setdefault("page_title", getattr(self, "page_title", ""))
        return super().get_context_data(**kwargs)


class _RefuseWhenLocked:
    """Sends every allowed request back to the meeting once it is locked (`locked_response`).

    It sits after the permission mixin in the method resolution order of `MeetingEditMixin`, so the
    permission (403, login) is checked first, and a method the view does not allow still answers 405.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() in self.http_method_names and (locked := self.locked_response()):
            return locked
        return super().dispatch(request, *args, **kwargs)


class MeetingEditMixin(MeetingScopedMixin, _RefuseWhenLocked):
    """A page or action that changes the meeting: refused once the minutes are approved or it is cancelled."""


class MeetingFormMixin(MeetingEditMixin):
    """GET shows `self.form()` unbound."""

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))


class MeetingConfirmView(MeetingEditMixin, TemplateView):
    """A yes/no page (GET) and the action (POST): `question()`, `submit_label`, and `act()` returning the
    message shown after it; then back to the meeting at `anchor`."""

    template_name = "councils/meetings/meeting_confirm.html"
    submit_label = gettext_lazy("Remove")
    anchor = ""

    def question(self) -> str:
        raise NotImplementedError

    def act(self) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=ConfirmForm(submit_label=self.submit_label), question=self.question())
        )

    def post(self, request, *args, **kwargs):
        messages.success(request, self.act())
        return redirect(self.detail_url() + self.anchor)


# --- list, schedule, edit, cancel ---------------------------------------------------------------------------


class MeetingListView(MunicipalityMixin, TemplateView):
    permission_required = VIEW
    template_name = "councils/meetings/meeting_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.request.GET.get("typ", "")
        if kind not in Meeting.Kind.values:
            kind = ""
        upcoming, past = selectors.upcoming_and_past(municipality=self.municipality, kind=kind or None)
        page = Paginator(past, self.paginate_by).get_page(self.request.GET.get("sida"))
        context.update(
            kind=kind,
            kinds=Meeting.Kind.choices,
            upcoming=list(upcoming),
            past_page=page,
            councils=list(Council.objects.for_municipality(self.municipality).filter(is_active=True)),
        )
        return context


class MeetingCreateView(MunicipalityMixin, TemplateView):
    """Schedule a meeting of one council (`?rad=<id>`; chosen here first when the municipality has several)."""

    permission_required = MANAGE
    template_name = "councils/meetings/meeting_form.html"
    page_title = gettext_lazy("Schedule a meeting")

    def get_council(self):
        councils = Council.objects.for_municipality(self.municipality).filter(is_active=True)
        chosen = self.request.GET.get("rad")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            return get_object_or_404(councils, pk=chosen)
        councils = list(councils[:2])
        return councils[0] if len(councils) == 1 else None

    def get(self, request, *args, **kwargs):
        council = self.get_council()
        if council is None:
            return self.render_to_response(
                self.get_context_data(
                    choose=Council.objects.for_municipality(self.municipality).filter(is_active=True),
                    page_title=self.page_title,
                )
            )
        form = MeetingForm(council=council, municipality=self.municipality)
        return self.render_to_response(self.get_context_data(form=form, council=council, page_title=self.page_title))

    def post(self, request, *args, **kwargs):
        council = self.get_council()
        if council is None:
            raise Http404
        form = MeetingForm(request.POST, council=council, municipality=self.municipality)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meetings = services.meeting_create(
                    council=council,
                    municipality=self.municipality,
                    by=request.user,
                    invitees=data["invitees"],
                    recurrence=data.get("recurrence") or "",
                    count=data.get("count"),
                    until=data.get("until"),
                    **form.service_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if len(meetings) == 1:
                    messages.success(request, _("The meeting was scheduled."))
                else:
                    messages.success(
                        request,
                        _("%(count)s meetings were scheduled, the last one on %(date)s.")
                        % {
                            "count": len(meetings),
                            "date": timezone.localtime(meetings[-1].starts_at).date().isoformat(),
                        },
                    )
                return redirect(meetings[0].get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, council=council, page_title=self.page_title))


class MeetingDetailView(MeetingScopedMixin, TemplateView):
    permission_required = VIEW
    template_name = "councils/meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        context = super().get_context_data(**kwargs)
        tree = selectors.agenda_tree(selectors.agenda_items(meeting))
        numbers = {item.pk: item.number for item in selectors.flatten(tree)}
        decisions = list(selectors.decisions_of(meeting))
        for decision in decisions:
            decision.item_number = numbers.get(decision.agenda_item_id)
        register = selectors.attendance_register(meeting)
        can_manage = self.request.user.has_perm(MANAGE, self.municipality)
        editable = not meeting.minutes_approved and not meeting.is_cancelled
        context.update(
            agenda=tree,
            decisions=decisions,
            register=register,
            register_taken=any(row["attendance"] for row in register),
            can_manage=can_manage,
            editable=editable,
            suggestions=(
                selectors.agenda_suggestions(meeting=meeting, today=timezone.localdate())
                if can_manage and editable and not meeting.has_ended
                else []
            ),
            held=meeting.starts_at <= timezone.now(),
            created_measures=[d.measure for d in decisions if d.measure_id],
        )
        return context


class MeetingUpdateView(MeetingFormMixin, TemplateView):
    template_name = "councils/meetings/meeting_form.html"
    page_title = gettext_lazy("Edit or move the meeting")

    def form(self, data=None):
        meeting = self.get_meeting()
        return MeetingForm(data, council=meeting.council, municipality=self.municipality, meeting=meeting)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_update(
                    meeting=self.get_meeting(),
                    by=request.user,
                    fields=form.service_fields(),
                    invitees=form.cleaned_data["invitees"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting was saved."))
                return redirect(meeting.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class MeetingCancelView(MeetingConfirmView):
    page_title = gettext_lazy("Cancel the meeting")
    submit_label = gettext_lazy("Cancel the meeting")

    def question(self):
        return _("Cancel the meeting? The invited are no longer reminded of it, and calendars show it as cancelled.")

    def act(self):
        services.meeting_cancel(meeting=self.get_meeting(), by=self.request.user)
        return _("The meeting was cancelled.")


# --- agenda -------------------------------------------------------------------------------------------------


class AgendaItemFormView(MeetingFormMixin, TemplateView):
    template_name = "councils/meetings/agenda_item_form.html"

    def get_item(self):
        return None

    def form(self, data=None):
        return AgendaItemForm(data, meeting=self.get_meeting(), user=self.request.user, instance=self.get_item())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            # A fresh copy: the form has already written its values onto its own instance.
            item = self.get_item()
            item = AgendaItem.objects.get(pk=item.pk) if item is not None else None
            try:
                services.agenda_item_save(meeting=self.get_meeting(), by=request.user, fields=fields, item=item)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The agenda was saved."))
                return redirect(self.detail_url() + "#agenda")
        return self.render_to_response(self.get_context_data(form=form))


class AgendaItemCreateView(AgendaItemFormView):
    page_title = gettext_lazy("Add an agenda item")


class AgendaItemLookupMixin:
    def get_item(self):
        if not hasattr(self, "_item"):
            self._item = get_object_or_404(AgendaItem, meeting=self.get_meeting(), pk=self.kwargs["item_pk"])
        return self._item


class AgendaItemUpdateView(AgendaItemLookupMixin, AgendaItemFormView):
    page_title = gettext_lazy("Edit the agenda item")


class AgendaItemDeleteView(AgendaItemLookupMixin, MeetingConfirmView):
    page_title = gettext_lazy("Remove the agenda item")
    anchor = "#agenda"

    def question(self):
        return _("Remove “%(title)s” and the items under it from the agenda?") % {"title": self.get_item().title}

    def act(self):
        services.agenda_item_delete(item=self.get_item(), by=self.request.user)
        return _("The item was removed from the agenda.")


class AgendaItemMoveView(MeetingEditMixin, View):
    """POST: move an item one place up (`riktning=upp`) or down among the items of its level."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = get_object_or_404(AgendaItem, meeting=self.get_meeting(), pk=kwargs["item_pk"])
        services.agenda_item_move(item=item, by=request.user, up=request.POST.get("riktning") == "upp")
        return redirect(self.detail_url() + f"#item-{item.pk}")


class AgendaSuggestionAddView(MeetingEditMixin, View):
    """POST: put a suggestion (an overdue measure, a follow-up due, a deadline) on the agenda."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        object_id = request.POST.get("object_id", "")
        try:
            services.agenda_suggestion_add(
                meeting=self.get_meeting(),
                by=request.user,
                kind=request.POST.get("kind", ""),
                object_id=int(object_id) if object_id.isdigit() else -1,
            )
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The suggestion was added to the agenda."))
        return redirect(self.detail_url() + "#agenda")


# --- attendance, minutes and decisions ----------------------------------------------------------------------


class AttendanceView(MeetingEditMixin, TemplateView):
    """The register: one fieldset per invitee, so that it reads and fills in well on a phone."""

    template_name = "councils/meetings/attendance_form.html"
    page_title = gettext_lazy("Attendance")

    def row_forms(self, data=None):
        meeting = self.get_meeting()
        seats = Membership.objects.filter(council_id=meeting.council_id).order_by("name")
        rows = []
        for row in selectors.attendance_register(meeting):
            record = row["attendance"]
            initial = (
                {
                    "status": record.status,
                    "arrived_at": record.arrived_at,
                    "left_at": record.left_at,
                    "alternate": record.alternate_id,
                }
                if record
                else {"status": "present"}
            )
            rows.append(AttendanceRowForm(data, membership=row["membership"], seats=seats, initial=initial))
        return rows

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(rows=self.row_forms()))

    def post(self, request, *args, **kwargs):
        rows = self.row_forms(request.POST)
        errors = []
        if all(form.is_valid() for form in rows):
            try:
                services.attendance_save(
                    meeting=self.get_meeting(),
                    by=request.user,
                    rows={form.membership.pk: form.cleaned_data for form in rows},
                )
            except ValidationError as error:
                errors = validation_messages(error)
            else:
                messages.success(request, _("The attendance was saved."))
                return redirect(self.detail_url() + "#attendance")
        return self.render_to_response(self.get_context_data(rows=rows, service_errors=errors))


class MinutesEditView(MeetingFormMixin, TemplateView):
    template_name = "councils/meetings/minutes_form.html"
    page_title = gettext_lazy("Minutes")

    def form(self, data=None):
        return MinutesForm(data, meeting=self.get_meeting(), items=self.numbered_items())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.minutes_save(
                    meeting=self.get_meeting(),
                    by=request.user,
                    text=form.cleaned_data["minutes_text"],
                    adjusters=form.cleaned_data["minutes_adjusters"],
                    item_notes=form.item_notes(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The minutes were saved."))
                return redirect(self.detail_url() + "#minutes")
        return self.render_to_response(self.get_context_data(form=form))


class DecisionFormView(MeetingFormMixin, TemplateView):
    template_name = "councils/meetings/decision_form.html"

    def get_decision(self):
        return None

    def form(self, data=None):
        return DecisionForm(data, meeting=self.get_meeting(), items=self.numbered_items(), decision=self.get_decision())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.decision_save(
                    meeting=self.get_meeting(),
                    by=request.user,
                    decision=self.get_decision(),
                    text=data["text"],
                    is_public=data["is_public"],
                    agenda_item=data.get("agenda_item"),
                    new_measure=form.new_measure(),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "title" in error.error_dict:
                    error.error_dict["measure_title"] = error.error_dict.pop("title")
                add_service_errors(form, error)
            else:
                if decision.measure_id and form.new_measure():
                    messages.success(
                        request,
                        _("§ %(number)s was saved and the measure “%(title)s” was added to the action plan.")
                        % {"number": decision.number, "title": decision.measure.title},
                    )
                else:
                    messages.success(request, _("§ %(number)s was saved.") % {"number": decision.number})
                return redirect(self.detail_url() + "#decisions")
        return self.render_to_response(self.get_context_data(form=form))


class DecisionCreateView(DecisionFormView):
    page_title = gettext_lazy("Add a decision")


class DecisionLookupMixin:
    def get_decision(self):
        if not hasattr(self, "_decision"):
            self._decision = get_object_or_404(Decision, meeting=self.get_meeting(), pk=self.kwargs["decision_pk"])
        return self._decision

    def get_context_data(self, **kwargs):
        kwargs.setdefault("decision", self.get_decision())
        return super().get_context_data(**kwargs)


class DecisionUpdateView(DecisionLookupMixin, DecisionFormView):
    page_title = gettext_lazy("Edit the decision")


class DecisionDeleteView(DecisionLookupMixin, MeetingConfirmView):
    page_title = gettext_lazy("Remove the decision")
    anchor = "#decisions"

    def question(self):
        return _("Remove § %(number)s? The decisions after it are renumbered.") % {"number": self.get_decision().number}

    def act(self):
        services.decision_delete(decision=self.get_decision(), by=self.request.user)
        return _("The decision was removed.")


class MinutesApproveView(MeetingScopedMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.minutes_approve(meeting=self.get_meeting(), by=request.user)
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The minutes are approved and locked. Their PDF is being created."))
        return redirect(self.detail_url() + "#minutes")


class MinutesPublishView(MeetingScopedMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.minutes_publish(meeting=self.get_meeting(), by=request.user)
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The public part of the minutes is published on the municipality's page."))
        return redirect(self.detail_url() + "#minutes")


def _serve_minutes_pdf(request, *, meeting, public, template, context):
    from councils.meetings_pdf import minutes_pdf_ready
    from councils.meetings_tasks import render_minutes_pdf_task

    def open_pdf():
        name = minutes_pdf_ready(meeting, public=public)
        try:
            return default_storage.open(name, "rb") if name else None
        except FileNotFoundError:
            return None  # Replaced by a newer version a moment ago.

    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return pdf_or_waiting_page(
        request,
        open_pdf=open_pdf,
        filename=f"protokoll-{meeting.municipality.slug}-{day}{'' if public else '-internt'}.pdf",
        queue=lambda: render_minutes_pdf_task.delay(meeting.pk, public),
        template=template,
        context=context,
        private=not public,
    )


class MinutesPdfView(MeetingScopedMixin, View):
    """The internal minutes (closed items too) for the council's insiders; rendered by a worker."""

    permission_required = VIEW

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        response = _serve_minutes_pdf(
            request,
            meeting=meeting,
            public=False,
            template="councils/meetings/pdf_pending.html",
            context={"municipality": self.municipality, "meeting": meeting, "public": False},
        )
        return audit.record_if_served(
            response, request, "minutes_internal", municipality=self.municipality, obj=meeting
        )


# --- public -------------------------------------------------------------------------------------------------


class PublicMinutesMixin:
    def get_public_meeting(self):
        municipality = get_object_or_404(Municipality.objects.public(), slug=self.kwargs["kommun"])
        try:
            return selectors.public_minutes(municipality=municipality, pk=self.kwargs["pk"])
        except Meeting.DoesNotExist:
            raise Http404 from None


class PublicMinutesView(PublicPageCacheMixin, PublicMinutesMixin, TemplateView):
    """The public part of approved, published minutes: public items and decisions; closed ones do not exist here."""

    template_name = "councils/meetings/public_minutes.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_public_meeting()
        return super().get_context_data(meeting=meeting, municipality=meeting.municipality, **kwargs)


class PublicMinutesPdfView(PublicMinutesMixin, View):
    def get(self, request, *args, **kwargs):
        meeting = self.get_public_meeting()
        return _serve_minutes_pdf(
            request,
            meeting=meeting,
            public=True,
            template="councils/meetings/pdf_pending.html",
            context={"municipality": meeting.municipality, "meeting": meeting, "public": True},
        )
