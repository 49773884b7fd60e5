"""Staff pages of action plans: the plan as a living tool and as the document a political body adopts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from actionplans import services
from actionplans.forms import (
    AdoptForm,
    GoalForm,
    MeasureForm,
    MeasureUpdateForm,
    PlanCopyForm,
    PlanForm,
    PlanStartForm,
    ProblemAreaForm,
)
from actionplans.models import ActionPlan, Goal, Measure, ProblemArea
from actionplans.rules import can_report_progress
from core import audit
from core.pdf import open_stored, pdf_or_waiting_page
from core.views import MunicipalityMixin, validation_messages


class PlanScopedMixin(MunicipalityMixin):
    def plans(self):
        return ActionPlan.objects.for_municipality(self.municipality)

    def plan_url(self, plan):
        return reverse("actionplans:plan-detail", kwargs={"kommun": self.municipality.slug, "pk": plan.pk})

    def editable_or_refuse(self, plan):
        if not plan.is_editable:
            messages.error(self.request, _("An adopted plan cannot be changed. Start the next plan from it instead."))
            return redirect(self.plan_url(plan))
        return None


class PlanListView(PlanScopedMixin, ListView):
    permission_required = "actionplans.view_internal"
    template_name = "actionplans/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return self.plans().select_related("situation_picture").order_by("-period_start")

    def get_context_data(self, **kwargs):
        from actionplans.selectors import municipality_clock

        context = super().get_context_data(**kwargs)
        context["picture_clock"], context["plan_clock"] = municipality_clock(
            municipality=self.municipality, today=timezone.localdate()
        )
        context["overdue_measures"] = (
            Measure.objects.overdue(timezone.localdate())
            .filter(problem_area__plan__municipality=self.municipality)
            .select_related("problem_area__plan", "owner", "responsible_organisation")
            .order_by("end_date")
        )
        return context


class PlanStartView(PlanScopedMixin, FormView):
    permission_required = "actionplans.manage_plan"
    form_class = PlanStartForm
    template_name = "councils/form.html"
    page_title = gettext_lazy("Start an action plan from a situation picture")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality}

    def form_valid(self, form):
        data = form.cleaned_data
        plan = services.plan_start_from_picture(
            picture=data["situation_picture"],
            by=self.request.user,
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
        )
        messages.success(self.request, _("The plan was started with the problem areas of the situation picture."))
        return redirect(self.plan_url(plan))


class PlanDetailView(PlanScopedMixin, DetailView):
    permission_required = "actionplans.view_internal"
    template_name = "actionplans/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        measures = Measure.objects.select_related("owner", "responsible_organisation", "goal")
        return (
            self.plans()
            .select_related("situation_picture", "previous")
            .prefetch_related(
                Prefetch(
                    "problem_areas",
                    queryset=ProblemArea.objects.prefetch_related("goals", Prefetch("measures", queryset=measures)),
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = list(self.object.problem_areas.all())
        all_measures = []
        for area in areas:
            measures = list(area.measures.all())
            all_measures += measures
            area.progress = services.weighted_progress(measures)
            area.measure_count = len(measures)
            for goal in area.goals.all():
                goal_measures = [m for m in measures if m.goal_id == goal.pk]
                goal.progress = services.weighted_progress(goal_measures)
                goal.measure_count = len(goal_measures)
        context.update(
            areas=areas,
            plan_progress=services.weighted_progress(all_measures),
            measure_count=len(all_measures),
            adopted_plans=self.plans().filter(status__in=["adopted", "superseded"]).exclude(pk=self.object.pk),
        )
        return context


class PlanUpdateView(PlanScopedMixin, UpdateView):
    permission_required = "actionplans.manage_plan"
    form_class = PlanForm
    template_name = "councils/form.html"
    page_title = gettext_lazy("Edit the plan")

    def get_queryset(self):
        return self.plans()

    def form_valid(self, form):
        if not self.object.is_editable:
            return self.editable_or_refuse(self.object)
        form.instance._history_user = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return self.plan_url(self.object)


class PlanChildCreateMixin(PlanScopedMixin):
    """Create a child object (problem area, goal, measure) of a draft plan."""

    permission_required = "actionplans.manage_plan"
    template_name = "councils/form.html"

    def parent(self):
        raise NotImplementedError

    def plan_of(self, parent):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        refusal = self.editable_or_refuse(self.plan_of(self.parent()))
        return refusal or super().post(request, *args, **kwargs)


class ProblemAreaCreateView(PlanChildCreateMixin, CreateView):
    model, form_class = ProblemArea, ProblemAreaForm
    page_title = gettext_lazy("Add a problem area")

    def parent(self):
        return get_object_or_404(self.plans(), pk=self.kwargs["pk"])

    def plan_of(self, parent):
        return parent

    def form_valid(self, form):
        form.instance.plan = self.parent()
        form.instance._history_user = self.request.user
        form.save()
        return redirect(self.plan_url(form.instance.plan))


class ProblemAreaUpdateView(PlanChildCreateMixin, UpdateView):
    model, form_class = ProblemArea, ProblemAreaForm
    page_title = gettext_lazy("Edit the problem area")

    def get_queryset(self):
        return ProblemArea.objects.filter(plan__municipality=self.municipality).select_related("plan")

    def parent(self):
        return self.get_object()

    def plan_of(self, parent):
        return parent.plan

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        form.save()
        return redirect(self.plan_url(form.instance.plan))


class GoalCreateView(PlanChildCreateMixin, CreateView):
    model, form_class = Goal, GoalForm
    page_title = gettext_lazy("Add a goal")

    def parent(self):
        return get_object_or_404(
            ProblemArea.objects.filter(plan__municipality=self.municipality).select_related("plan"),
            pk=self.kwargs["pk"],
        )

    def plan_of(self, parent):
        return parent.plan

    def form_valid(self, form):
        area = self.parent()
        form.instance.problem_area = area
        form.instance._history_user = self.request.user
        form.save()
        return redirect(self.plan_url(area.plan))


class GoalUpdateView(PlanChildCreateMixin, UpdateView):
    model, form_class = Goal, GoalForm
    page_title = gettext_lazy("Edit the goal")

    def get_queryset(self):
        return Goal.objects.filter(problem_area__plan__municipality=self.municipality).select_related(
            "problem_area__plan"
        )

    def parent(self):
        return self.get_object()

    def plan_of(self, parent):
        return parent.problem_area.plan

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        form.save()
        return redirect(self.plan_url(form.instance.problem_area.plan))


class MeasureFormMixin(PlanChildCreateMixin):
    model, form_class = Measure, MeasureForm

    def get_form_kwargs(self):
        area = self.parent() if not getattr(self, "object", None) else self.object.problem_area
        return {**super().get_form_kwargs(), "problem_area": area, "municipality": self.municipality}

    def form_valid(self, form):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        measure = form.instance
        try:
            measure = services.measure_save(
                measure=measure, by=self.request.user, version=form.cleaned_data.get("version"), fields=fields
            )
        except services.StaleMeasureError as conflict:
            form.add_error(
                None,
                ValidationError(
                    _(
                        "Not saved: %(who)s changed this measure at %(time)s after you opened it. Their version is "
                        "shown below; your changes are still in the form. Save again to replace theirs."
                    ),
                    code="conflict",
                    params={
                        "who": conflict.measure.history.first().history_user or _("someone else"),
                        "time": timezone.localtime(conflict.measure.updated_at).strftime("%H:%M"),
                    },
                ),
            )
            data = form.data.copy()
            data["version"] = conflict.measure.version
            form.data = data
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict.measure))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The measure was saved."))
        return redirect(self.plan_url(measure.problem_area.plan))


class MeasureCreateView(MeasureFormMixin, CreateView):
    page_title = gettext_lazy("Add a measure")
    template_name = "actionplans/measure_form.html"

    def parent(self):
        return get_object_or_404(
            ProblemArea.objects.filter(plan__municipality=self.municipality).select_related("plan"),
            pk=self.kwargs["pk"],
        )

    def plan_of(self, parent):
        return parent.plan

    def form_valid(self, form):
        form.instance.problem_area = self.parent()
        return super().form_valid(form)


class MeasureUpdateView(MeasureFormMixin, UpdateView):
    page_title = gettext_lazy("Edit the measure")
    template_name = "actionplans/measure_form.html"

    def get_queryset(self):
        return Measure.objects.filter(problem_area__plan__municipality=self.municipality).select_related(
            "problem_area__plan"
        )

    def parent(self):
        return self.get_object()

    def plan_of(self, parent):
        return parent.problem_area.plan


class MeasureDetailView(PlanScopedMixin, DetailView):
    """A measure with its progress updates; its owner posts new ones here."""

    permission_required = "actionplans.view_internal"
    template_name = "actionplans/measure_detail.html"
    context_object_name = "measure"

    def get_queryset(self):
        return Measure.objects.filter(problem_area__plan__municipality=self.municipality).select_related(
            "problem_area__plan", "owner", "responsible_organisation", "goal"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["updates"] = self.object.updates.select_related("by")
        context["can_report"] = can_report_progress(self.request.user, self.municipality, self.object)
        context.setdefault(
            "update_form",
            MeasureUpdateForm(initial={"status": self.object.status, "percent_done": self.object.percent_done}),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not can_report_progress(request.user, self.municipality, self.object):
            raise PermissionDenied
        form = MeasureUpdateForm(request.POST)
        if form.is_valid():
            services.measure_update_post(measure=self.object, by=request.user, **form.cleaned_data)
            messages.success(request, _("The update was posted."))
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(update_form=form))


class PlanAdoptView(PlanScopedMixin, FormView):
    permission_required = "actionplans.adopt_plan"
    form_class = AdoptForm
    template_name = "councils/form.html"
    page_title = gettext_lazy("Adopt the plan")

    def get_plan(self):
        return get_object_or_404(self.plans(), pk=self.kwargs["pk"])

    def form_valid(self, form):
        plan = self.get_plan()
        try:
            services.plan_adopt(plan=plan, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in validation_messages(error):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan is adopted. Its PDF is being created."))
        return redirect(self.plan_url(plan))


class PlanCopyView(PlanScopedMixin, FormView):
    permission_required = "actionplans.manage_plan"
    form_class = PlanCopyForm
    template_name = "councils/form.html"
    page_title = gettext_lazy("Start the next plan")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality}

    def form_valid(self, form):
        plan = get_object_or_404(self.plans(), pk=self.kwargs["pk"])
        data = form.cleaned_data
        new = services.plan_copy(
            plan=plan,
            by=self.request.user,
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            situation_picture=data.get("situation_picture"),
        )
        messages.success(self.request, _("The next plan starts as a copy of this one."))
        return redirect(self.plan_url(new))


class PlanPdfView(PlanScopedMixin, View):
    """Staff PDF of any version: served when rendered for the current content, else queued with a wait page."""

    permission_required = "actionplans.view_internal"

    def get(self, request, *args, **kwargs):
        from actionplans.tasks import render_plan_pdf_task

        plan = get_object_or_404(self.plans(), pk=kwargs["pk"])
        current = plan.pdf_key == services.content_key(plan.snapshot or services.plan_snapshot(plan))
        response = pdf_or_waiting_page(
            request,
            open_pdf=lambda: open_stored(plan.pdf) if current else None,
            filename=plan.pdf.name.rsplit("/", 1)[-1] if plan.pdf else "",
            queue=lambda: render_plan_pdf_task.delay(plan.pk),
            template="actionplans/pdf_pending.html",
            context={"plan": plan, "municipality": self.municipality},
            private=True,
        )
        if plan.is_editable:  # A draft is internal; an adopted plan is a public document.
            audit.record_if_served(response, request, "action_plan", municipality=self.municipality, obj=plan)
        return response
