"""Pages of the situation picture document: staff pages under hantera/<kommun>/lagesbild/dokument/, and the public
aggregate picture at /<kommun>/lagesbild/.

Council members read; the coordinator and the police liaison write drafts; only the coordinator records an
adoption. Every picture is looked up within the municipality of the URL, so another municipality's ids answer 404.
"""

import logging
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core import audit
from core.pdf import open_stored, pdf_or_waiting_page
from core.public_cache import PublicPageCacheMixin
from core.views import MunicipalityMixin, add_service_errors
from councils.models import Municipality
from situation import picture as service
from situation.forms_picture import AdoptForm, PictureForm, ProblemForm
from situation.models import SituationPicture

logger = logging.getLogger(__name__)

READ = "councils.view_internal"
MANAGE = "situation.manage_picture"
ADOPT = "situation.adopt_picture"


class PictureScopedMixin(MunicipalityMixin):
    @cached_property
    def picture(self) -> SituationPicture:
        return get_object_or_404(service.pictures_of(self.municipality), pk=self.kwargs["pk"])

    def detail_url(self, picture=None):
        picture = picture or self.picture
        return reverse("situation:picture-detail", kwargs={"kommun": self.municipality.slug, "pk": picture.pk})

    def get_context_data(self, **kwargs):
        if "pk" in self.kwargs:
            kwargs.setdefault("picture", self.picture)
        return super().get_context_data(**kwargs)


class DraftRequiredMixin:
    """Pages that change a picture: an adopted one sends the user back to it with the reason."""

    def dispatch_draft(self, handler, request, *args, **kwargs):
        if self.picture.status != SituationPicture.Status.DRAFT:
            try:
                service.picture_check_draft(self.picture)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            return redirect(self.detail_url())
        return handler(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.dispatch_draft(super().get, request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.dispatch_draft(super().post, request, *args, **kwargs)


class PictureListView(PictureScopedMixin, ListView):
    permission_required = READ
    template_name = "situation/picture_list.html"
    context_object_name = "pictures"
    paginate_by = 25

    def get_queryset(self):
        return service.pictures_of(self.municipality).defer(
            "crime_mapping", "other_information", "cause_analysis", "public_summary", "figures"
        )


class PictureFormView(PictureScopedMixin, FormView):
    permission_required = MANAGE
    form_class = PictureForm
    template_name = "situation/picture_form.html"

    def form_valid(self, form):
        try:
            picture = self.save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The situation picture was saved."))
        return redirect(self.detail_url(picture))


class PictureCreateView(PictureFormView):
    page_title = gettext_lazy("New situation picture")

    def save(self, data):
        return service.picture_create(municipality=self.municipality, by=self.request.user, data=data)


class PictureUpdateView(DraftRequiredMixin, PictureFormView):
    page_title = gettext_lazy("Edit the situation picture")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.picture}

    def save(self, data):
        return service.picture_update(picture=self.picture, by=self.request.user, data=data)


class PictureDetailView(PictureScopedMixin, DetailView):
    permission_required = READ
    template_name = "situation/picture_detail.html"
    context_object_name = "picture"

    def get_object(self, queryset=None):
        return self.picture

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = service.picture_current_figures(self.picture)
        context.update(
            parts=service.picture_parts(self.picture),
            problems=list(service.problems_of(self.picture)),
            figures=figures,
            public=figures.get("public"),
            history=service.picture_history(picture=self.picture),
            is_adopted=self.picture.status == SituationPicture.Status.ADOPTED,
        )
        return context


class ProblemFormView(DraftRequiredMixin, PictureScopedMixin, FormView):
    permission_required = MANAGE
    form_class = ProblemForm
    template_name = "situation/picture_form.html"
    problem = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality, "instance": self.problem}

    def form_valid(self, form):
        try:
            service.problem_save(
                picture=self.picture, by=self.request.user, data=form.cleaned_data, problem=self.problem
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The problem area was saved."))
        return redirect(f"{self.detail_url()}#problems")


class ProblemCreateView(ProblemFormView):
    page_title = gettext_lazy("Add a problem area")


class ProblemScopedMixin:
    @cached_property
    def problem(self):
        return get_object_or_404(self.picture.problems.all(), pk=self.kwargs["problem_pk"])


class ProblemUpdateView(ProblemScopedMixin, ProblemFormView):
    page_title = gettext_lazy("Edit the problem area")


class ProblemDeleteView(DraftRequiredMixin, ProblemScopedMixin, PictureScopedMixin, TemplateView):
    permission_required = MANAGE
    template_name = "councils/confirm_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.problem, **kwargs)

    def get_success_url(self):
        return f"{self.detail_url()}#problems"

    def post(self, request, *args, **kwargs):
        return self.dispatch_draft(self._delete, request, *args, **kwargs)

    def _delete(self, request, *args, **kwargs):
        try:
            service.problem_delete(problem=self.problem, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The problem area was removed."))
        return redirect(self.get_success_url())


class PictureAdoptView(DraftRequiredMixin, PictureScopedMixin, FormView):
    """The coordinator records the decision: who adopted the picture and when. The figures freeze then."""

    permission_required = ADOPT
    form_class = AdoptForm
    template_name = "situation/picture_form.html"
    page_title = gettext_lazy("Record the adoption")

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "intro",
            _(
                "Record the decision once the situation picture has been adopted. The figures of the period are "
                "then frozen as they stand, a PDF is made, and the summary and the public figures are published "
                "on the municipality's page. An adopted situation picture cannot be changed."
            ),
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            data = form.cleaned_data
            service.picture_adopt(picture=self.picture, by=self.request.user, body=data["body"], date=data["date"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The adoption is recorded and the figures are frozen. The PDF is being made."))
        return redirect(self.detail_url())


class PictureNewVersionView(PictureScopedMixin, View):
    """A new draft from a picture, with its texts and problem areas: how an adopted picture is corrected."""

    permission_required = MANAGE

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        copy = service.picture_new_version(picture=self.picture, by=request.user)
        messages.success(request, _("A new draft was made from the situation picture. Change what needs changing."))
        return redirect("situation:picture-update", kommun=self.municipality.slug, pk=copy.pk)


class PicturePdfView(PictureScopedMixin, View):
    """The adopted picture's PDF when the worker has rendered it; otherwise a page that waits for it."""

    permission_required = READ
    template_name = "situation/picture_pdf_pending.html"

    def get(self, request, *args, **kwargs):
        picture = self.picture
        if picture.status != SituationPicture.Status.ADOPTED:
            raise Http404("Only an adopted situation picture has a PDF.")
        from situation.tasks import render_picture_pdf_task

        response = pdf_or_waiting_page(
            request,
            open_pdf=lambda: open_stored(picture.pdf),
            filename=f"lagesbild-{self.municipality.slug}-{picture.period_start:%Y}-{picture.period_end:%Y}.pdf",
            queue=lambda: render_picture_pdf_task.delay(picture.pk),
            template=self.template_name,
            context={"municipality": self.municipality, "picture": picture},
            private=True,
        )
        return audit.record_if_served(
            response, request, "situation_picture", municipality=self.municipality, obj=picture
        )


class PublicPictureView(PublicPageCacheMixin, TemplateView):
    """/<kommun>/lagesbild/: the latest adopted picture's summary and public figures, frozen at adoption."""

    template_name = "situation/picture_public.html"

    def get_context_data(self, **kwargs):
        municipality = get_object_or_404(Municipality.objects.public(), slug=self.kwargs["kommun"])
        picture = service.latest_adopted_picture(municipality=municipality)
        public = (picture.figures or {}).get("public") if picture else None
        return super().get_context_data(municipality=municipality, picture=picture, public=public, **kwargs)
