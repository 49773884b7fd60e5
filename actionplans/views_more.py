"""The adopted plan for residents (HTML and PDF), and for staff: version comparison, change history and the
measures as a spreadsheet (export and import)."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from actionplans import csv_io, services_more
from actionplans.forms_more import MeasuresImportConfirmForm, MeasuresImportForm
from actionplans.models import ActionPlan
from actionplans.services import content_key
from core import audit
from core.pdf import open_stored, pdf_or_waiting_page
from core.public_cache import PublicPageCacheMixin
from core.views import MunicipalityMixin
from pledges.views_public import PublicMunicipalityMixin

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------------------------
# Public
# ---------------------------------------------------------------------------------------------------------------


class PublicPlanView(PublicPageCacheMixin, PublicMunicipalityMixin, TemplateView):
    """/<kommun>/atgardsplan/: the HTML twin of the adopted plan's PDF, from the content frozen at adoption."""

    template_name = "actionplans/public_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = services_more.public_plan(municipality=self.municipality)
        context["plan"] = plan
        if plan is not None:
            context["snapshot"] = services_more.snapshot_for_display(plan.snapshot)
        return context


class PublicPlanPdfView(PublicMunicipalityMixin, View):
    """/<kommun>/atgardsplan.pdf: the PDF once the worker has rendered it, else a page that waits for it."""

    def get(self, request, *args, **kwargs):
        plan = services_more.public_plan(municipality=self.municipality)
        if plan is None:
            raise Http404
        from actionplans.tasks import render_plan_pdf_task

        current = plan.pdf_key == content_key(plan.snapshot)
        return pdf_or_waiting_page(
            request,
            open_pdf=lambda: open_stored(plan.pdf) if current else None,
            filename=f"atgardsplan-{self.municipality.slug}.pdf",
            queue=lambda: render_plan_pdf_task.delay(plan.pk),
            template="actionplans/public_pdf_pending.html",
            context={"plan": plan, "municipality": self.municipality},
        )


# ---------------------------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------------------------


class PlanMixin(MunicipalityMixin):
    permission_required = "actionplans.view_internal"

    def plans(self):
        return ActionPlan.objects.for_municipality(self.municipality)

    def get_plan(self):
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(self.plans(), pk=self.kwargs["pk"])
        return self._plan

    def plan_url(self, plan):
        return reverse("actionplans:plan-detail", kwargs={"kommun": self.municipality.slug, "pk": plan.pk})


class PlanCompareView(PlanMixin, TemplateView):
    """Two adopted versions side by side: what was added, removed and changed per problem area and measure."""

    template_name = "actionplans/plan_compare.html"

    @staticmethod
    def comparable(plan):
        return plan.status != ActionPlan.Status.DRAFT and plan.snapshot is not None

    def _pick(self, name):
        raw = self.request.GET.get(name, "")
        if not raw:
            return None
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(self.plans(), pk=int(raw))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = list(services_more.comparable_plans(municipality=self.municipality))
        default_old, default_new = services_more.default_comparison(choices)
        old, new = self._pick("fran"), self._pick("till")
        for plan in (old, new):
            if plan is not None and not self.comparable(plan):
                messages.warning(
                    self.request,
                    _("“%(title)s” is a draft: only adopted versions can be compared.") % {"title": plan.title},
                )
        old = old if old is not None and self.comparable(old) else default_old
        new = new if new is not None and self.comparable(new) else default_new
        context.update(choices=choices, old=old, new=new)
        if old is None or new is None:
            context["not_enough"] = True
        elif old.pk == new.pk:
            context["same"] = True
        else:
            context["header_rows"] = services_more.plan_header_rows(old, new)
            context["areas"] = services_more.plan_comparison(old=old.snapshot, new=new.snapshot)
            context["no_differences"] = all(a["change"] == "same" for a in context["areas"])
        return context


class PlanHistoryView(PlanMixin, ListView):
    """Every change to the plan, its problem areas, goals and measures: who, what and when, newest first."""

    template_name = "actionplans/plan_history.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        self.all_entries = services_more.plan_history_entries(plan=self.get_plan())
        return self.all_entries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services_more.describe_history_entries(
            context["entries"], goal_titles=services_more.goal_titles_from_entries(self.all_entries)
        )
        context["plan"] = self.get_plan()
        return context


class MeasuresExportView(PlanMixin, View):
    def get(self, request, *args, **kwargs):
        plan = self.get_plan()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="atgarder-{self.municipality.slug}-{plan.pk}.csv"'
        csv_io.write_measures_csv(plan=plan, out=response)
        audit.record(request, audit.Action.EXPORT, "measures_csv", municipality=self.municipality, obj=plan)
        return response


class MeasuresImportView(PlanMixin, TemplateView):
    """Upload → preview (every bad row by line number) → confirm; nothing is written until the file is clean."""

    permission_required = "actionplans.manage_plan"
    template_name = "actionplans/measures_import.html"

    def refuse_if_adopted(self):
        plan = self.get_plan()
        if plan.is_editable:
            return None
        messages.error(self.request, _("Measures can be imported into a draft plan only."))
        return redirect(self.plan_url(plan))

    def get(self, request, *args, **kwargs):
        return self.refuse_if_adopted() or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", MeasuresImportForm())
        kwargs["plan"] = self.get_plan()
        kwargs["headers"] = csv_io.header_labels()
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        refusal = self.refuse_if_adopted()
        if refusal:
            return refusal
        plan = self.get_plan()
        if "confirm" in request.POST:
            confirm = MeasuresImportConfirmForm(request.POST)
            if not confirm.is_valid():
                messages.error(request, _("The file could not be read. Upload it again."))
                return redirect(request.path)
            content, create_missing = confirm.cleaned_data["content"], confirm.cleaned_data["create_missing"]
            try:
                preview = csv_io.measures_import(
                    plan=plan, by=request.user, content=content, create_missing=create_missing
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(self.plan_url(plan))
            if preview.written:
                messages.success(
                    request,
                    _("The import is done: %(created)s new and %(updated)s changed measures.")
                    % {"created": preview.created, "updated": preview.updated},
                )
                return redirect(self.plan_url(plan))
            return self._preview(content, create_missing, preview)
        form = MeasuresImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        content, create_missing = form.cleaned_data["file"], form.cleaned_data["create_missing"]
        preview = csv_io.measures_import_preview(plan=plan, content=content, create_missing=create_missing)
        return self._preview(content, create_missing, preview)

    def _preview(self, content, create_missing, preview):
        confirm = None
        if preview.is_clean and preview.has_changes:
            confirm = MeasuresImportConfirmForm(
                initial={"content": MeasuresImportConfirmForm.encode(content), "create_missing": create_missing},
                auto_id=False,  # the upload form beside it has a field of the same name
            )
        return self.render_to_response(
            self.get_context_data(preview=preview, confirm=confirm, form=MeasuresImportForm())
        )
