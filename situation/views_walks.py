"""Staff pages of safety walks: council members read, the coordinator and the police liaison manage.

Every object is looked up within the municipality of the URL, so another municipality's ids answer 404.
Photos are served only here, after the permission check; nothing serves the media folder.
"""

import logging
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core import audit
from core.pdf import pdf_or_waiting_page
from core.views import MunicipalityMixin, add_service_errors
from situation import walks
from situation.forms_walks import ObservationForm, OutcomeForm, WalkForm
from situation.models import SafetyWalk

logger = logging.getLogger(__name__)

READ = "councils.view_internal"
MANAGE = "situation.manage_walks"


class WalkScopedMixin(MunicipalityMixin):
    def walks(self):
        return SafetyWalk.objects.filter(municipality=self.municipality)

    def get_walk(self) -> SafetyWalk:
        return get_object_or_404(self.walks().select_related("municipality"), pk=self.kwargs["pk"])

    def get_observation(self):
        return get_object_or_404(walks.observations_in(self.municipality), pk=self.kwargs["pk"])

    def walk_url(self, walk, anchor=""):
        url = reverse("situation:walk-detail", kwargs={"kommun": self.municipality.slug, "pk": walk.pk})
        return f"{url}#{anchor}" if anchor else url


class WalkListView(WalkScopedMixin, ListView):
    permission_required = READ
    template_name = "situation/walk_list.html"
    context_object_name = "walks"
    paginate_by = 25

    def get_queryset(self):
        return walks.walks_of(self.municipality).order_by("-date", "-id")


class WalkFormView(WalkScopedMixin, FormView):
    permission_required = MANAGE
    template_name = "situation/walk_form.html"
    form_class = WalkForm
    editing = False

    @cached_property
    def walk(self):
        return self.get_walk() if self.editing else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality, "walk": self.walk}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("walk", self.walk)
        kwargs.setdefault("page_title", self.page_title)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        values = {
            "title": data["title"],
            "date": data["date"],
            "route": data["route"],
            "participants": data["participants"],
            "summary": data["summary"],
            "mask": data["mask_personal_data"],
            "by": self.request.user,
        }
        try:
            if self.walk is None:
                walk = walks.walk_create(municipality=self.municipality, **values)
            else:
                walk = walks.walk_update(walk=self.walk, **values)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The safety walk was saved."))
        return redirect(self.walk_url(walk))


class WalkCreateView(WalkFormView):
    page_title = gettext_lazy("New safety walk")


class WalkUpdateView(WalkFormView):
    page_title = gettext_lazy("Edit the safety walk")
    editing = True


class WalkDetailView(WalkScopedMixin, DetailView):
    permission_required = READ
    template_name = "situation/walk_detail.html"
    context_object_name = "walk"

    def get_object(self, queryset=None):
        return self.get_walk()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(walks.walk_report_context(self.object))
        return context


class ObservationFormView(WalkScopedMixin, FormView):
    """Add an observation to a walk (`pk` is the walk) or change one (`pk` is the observation)."""

    permission_required = MANAGE
    template_name = "situation/walk_form.html"
    form_class = ObservationForm
    editing = False

    @cached_property
    def observation(self):
        return self.get_observation() if self.editing else None

    @cached_property
    def walk(self):
        return self.observation.walk if self.editing else self.get_walk()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "walk": self.walk, "observation": self.observation}

    def get_context_data(self, **kwargs):
        kwargs.update(walk=self.walk, observation=self.observation, page_title=self.page_title)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            observation = walks.observation_save(
                walk=self.walk,
                observation=self.observation,
                place=data["place"],
                category=data["category"],
                note=data["note"],
                mask=data["mask_personal_data"],
                photo=data["photo"] or None,
                remove_photo=data.get("remove_photo", False),
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The observation was saved."))
        return redirect(self.walk_url(self.walk, anchor=f"observation-{observation.pk}"))


class ObservationCreateView(ObservationFormView):
    page_title = gettext_lazy("Add an observation")


class ObservationUpdateView(ObservationFormView):
    page_title = gettext_lazy("Edit the observation")
    editing = True


class ObservationOutcomeView(WalkScopedMixin, FormView):
    permission_required = MANAGE
    template_name = "situation/walk_form.html"
    form_class = OutcomeForm
    page_title = gettext_lazy("What becomes of the observation")

    @cached_property
    def observation(self):
        return self.get_observation()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "observation": self.observation}

    def get_context_data(self, **kwargs):
        observation = self.observation
        kwargs.update(walk=observation.walk, observation=observation, show_note=True, page_title=self.page_title)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            walks.observation_set_outcome(
                observation=self.observation,
                outcome=data["outcome"],
                proposed_measure=data["proposed_measure"],
                responsible_organisation=data["responsible_organisation"],
                closed_reason=data["closed_reason"],
                mask=data["mask_personal_data"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The outcome of the observation was saved."))
        return redirect(self.walk_url(self.observation.walk, anchor=f"observation-{self.observation.pk}"))


class ObservationPhotoView(WalkScopedMixin, View):
    permission_required = READ

    def get(self, request, *args, **kwargs):
        observation = self.get_observation()
        if not observation.photo:
            raise Http404
        try:
            handle = observation.photo.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type="image/jpeg", filename=f"observation-{observation.pk}.jpg")
        response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
        # Internal: browsers may keep it for a while, shared caches never.
        response["Cache-Control"] = "private, max-age=600"
        return response


class WalkReportView(WalkScopedMixin, TemplateView):
    permission_required = READ
    template_name = "situation/walk_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(walks.walk_report_context(self.get_walk()))
        return context


class WalkReportPdfView(WalkScopedMixin, View):
    """The report's PDF when the worker has rendered the current version; otherwise a page that waits for it."""

    permission_required = READ
    template_name = "situation/walk_report_pending.html"

    def get(self, request, *args, **kwargs):
        walk = self.get_walk()
        from situation.tasks import render_walk_report_task

        def open_pdf():
            name = walks.walk_report_pdf_ready(walk)
            try:
                return default_storage.open(name, "rb") if name else None
            except FileNotFoundError:
                return None  # Replaced by a newer version a moment ago.

        response = pdf_or_waiting_page(
            request,
            open_pdf=open_pdf,
            filename=f"trygghetsvandring-{walk.pk}-{walk.date:%Y-%m-%d}.pdf",
            queue=lambda: render_walk_report_task.delay(walk.pk),
            template=self.template_name,
            context={"municipality": self.municipality, "walk": walk},
            private=True,
        )
        return audit.record_if_served(response, request, "walk_report", municipality=self.municipality, obj=walk)
