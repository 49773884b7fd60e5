"""Staff pages of pledges and follow-ups (police liaison, coordinator, council members)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from core.periods import Tertial
from core.views import MunicipalityMixin, validation_messages
from pledges import selectors, services
from pledges.forms import (
    ActivityForm,
    ApproveForm,
    FocusAreaForm,
    FollowUpCreateForm,
    PledgeForm,
    ProgressRowForm,
    ReturnForm,
    SignatoryFormSet,
)
from pledges.models import Activity, CitizenPledge, FocusArea, FollowUp, ProgressRow
from pledges.rules import can_report_row


class PledgeScopedMixin(MunicipalityMixin):
    def pledges(self):
        return CitizenPledge.objects.for_municipality(self.municipality)

    def get_pledge(self, pk=None):
        return get_object_or_404(self.pledges(), pk=pk or self.kwargs["pk"])

    def detail_url(self, pledge):
        return reverse("pledges:staff-detail", kwargs={"kommun": self.municipality.slug, "pk": pledge.pk})


class PledgeListView(PledgeScopedMixin, ListView):
    permission_required = "pledges.view_internal"
    template_name = "pledges/staff_list.html"
    context_object_name = "pledges"

    def get_queryset(self):
        return self.pledges().prefetch_related("municipalities").order_by("-start_date")


class PledgeFormMixin(PledgeScopedMixin):
    permission_required = "pledges.manage_pledge"
    model = CitizenPledge
    form_class = PledgeForm
    template_name = "pledges/pledge_form.html"

    def get_queryset(self):
        return self.pledges()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality, "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "signatories" not in context:
            context["signatories"] = SignatoryFormSet(instance=getattr(self, "object", None) or CitizenPledge())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if kwargs.get("pk") else None
        form = self.get_form()
        signatories = SignatoryFormSet(request.POST, instance=self.object or CitizenPledge())
        if form.is_valid() and signatories.is_valid():
            with transaction.atomic():
                self.object = form.save()
                signatories.instance = self.object
                signatories.save()
            messages.success(request, _("The pledge was saved."))
            return redirect(self.detail_url(self.object))
        return self.render_to_response(self.get_context_data(form=form, signatories=signatories))


class PledgeCreateView(PledgeFormMixin, CreateView):
    page_title = gettext_lazy("New citizen pledge")


class PledgeUpdateView(PledgeFormMixin, UpdateView):
    page_title = gettext_lazy("Edit citizen pledge")


class PledgeDetailView(PledgeScopedMixin, DetailView):
    permission_required = "pledges.view_internal"
    template_name = "pledges/staff_detail.html"
    context_object_name = "pledge"

    def get_queryset(self):
        incomplete = Q(rows__status="") | Q(rows__narrative="")
        return selectors.pledge_with_structure(self.pledges()).prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.annotate(
                    row_count=Count("rows"), missing_count=Count("rows", filter=incomplete)
                ).prefetch_related("revisions"),
            )
        )


class PledgeActionView(PledgeScopedMixin, View):
    permission_required = "pledges.manage_pledge"
    action = None
    success_message = ""

    def post(self, request, *args, **kwargs):
        pledge = self.get_pledge()
        try:
            self.action(pledge=pledge, by=request.user)
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return redirect(self.detail_url(pledge))

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class PledgePublishView(PledgeActionView):
    action = staticmethod(services.pledge_publish)
    success_message = gettext_lazy("The pledge is published, with a follow-up for every tertial of its period.")


class PledgeCloseView(PledgeActionView):
    action = staticmethod(services.pledge_close)
    success_message = gettext_lazy("The pledge is closed and shown among earlier pledges.")


class FocusAreaCreateView(PledgeScopedMixin, CreateView):
    permission_required = "pledges.manage_pledge"
    model = FocusArea
    form_class = FocusAreaForm
    template_name = "councils/form.html"
    page_title = gettext_lazy("Add a focus area")

    def form_valid(self, form):
        pledge = self.get_pledge()
        try:
            services.focus_area_limit_check(pledge=pledge)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        form.instance.pledge = pledge
        form.save()
        return redirect(self.detail_url(pledge))


class FocusAreaUpdateView(PledgeScopedMixin, UpdateView):
    permission_required = "pledges.manage_pledge"
    model = FocusArea
    form_class = FocusAreaForm
    template_name = "councils/form.html"
    page_title = gettext_lazy("Edit the focus area")

    def get_queryset(self):
        return FocusArea.objects.filter(pledge__in=self.pledges())

    def get_success_url(self):
        return self.detail_url(self.object.pledge)


class ActivityFormMixin(PledgeScopedMixin):
    permission_required = "pledges.manage_pledge"
    model = Activity
    form_class = ActivityForm
    template_name = "councils/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality}


class ActivityCreateView(ActivityFormMixin, CreateView):
    page_title = gettext_lazy("Add an activity")

    def form_valid(self, form):
        area = get_object_or_404(FocusArea.objects.filter(pledge__in=self.pledges()), pk=self.kwargs["pk"])
        form.instance.focus_area = area
        with transaction.atomic():
            form.save()
            for follow_up in area.pledge.follow_ups.exclude(status=FollowUp.Status.PUBLISHED):
                services.follow_up_sync_rows(follow_up=follow_up)
        return redirect(self.detail_url(area.pledge))


class ActivityUpdateView(ActivityFormMixin, UpdateView):
    page_title = gettext_lazy("Edit the activity")

    def get_queryset(self):
        return Activity.objects.filter(focus_area__pledge__in=self.pledges()).select_related("focus_area")

    def get_success_url(self):
        return self.detail_url(self.object.focus_area.pledge)


class FollowUpCreateView(PledgeScopedMixin, FormView):
    permission_required = "pledges.manage_pledge"
    form_class = FollowUpCreateForm
    template_name = "councils/form.html"
    page_title = gettext_lazy("Add a follow-up")

    def form_valid(self, form):
        pledge = self.get_pledge()
        try:
            follow_up = services.follow_up_create(
                pledge=pledge, tertial=Tertial(form.cleaned_data["year"], form.cleaned_data["tertial"])
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("pledges:follow-up-edit", kommun=self.municipality.slug, pk=follow_up.pk)


class FollowUpScopedMixin(PledgeScopedMixin):
    def get_follow_up(self):
        return get_object_or_404(
            FollowUp.objects.filter(pledge__in=self.pledges()).select_related("pledge"), pk=self.kwargs["pk"]
        )

    def edit_url(self, follow_up):
        return reverse("pledges:follow-up-edit", kwargs={"kommun": self.municipality.slug, "pk": follow_up.pk})


class FollowUpEditView(FollowUpScopedMixin, View):
    """The follow-up as each user works on it: their own rows as forms, the others read-only."""

    permission_required = "pledges.view_internal"
    template_name = "pledges/follow_up_edit.html"

    def get(self, request, *args, **kwargs):
        follow_up = self.get_follow_up()
        if not follow_up.is_locked:
            services.follow_up_sync_rows(follow_up=follow_up)
        return render(request, self.template_name, self.context(follow_up))

    def context(self, follow_up, **extra):
        rows = selectors.follow_up_rows(follow_up)
        user = self.request.user
        areas: list[dict] = []
        for row in rows:
            row.editable = not follow_up.is_locked and can_report_row(user, self.municipality, row.activity)
            row.form = ProgressRowForm(instance=row, prefix=f"row{row.pk}") if row.editable else None
            if not areas or areas[-1]["area"].pk != row.activity.focus_area_id:
                areas.append({"area": row.activity.focus_area, "rows": []})
            areas[-1]["rows"].append(row)
        missing = [row for row in rows if not row.is_complete]
        return {
            "municipality": self.municipality,
            "pledge": follow_up.pledge,
            "follow_up": follow_up,
            "areas": areas,
            "missing": missing,
            "mine_missing": [row for row in missing if row.editable],
            "has_revisions": follow_up.revisions.exists(),
            "return_form": ReturnForm(),
            "approve_form": ApproveForm(),
            **extra,
        }


class ProgressRowSaveView(FollowUpScopedMixin, View):
    """Saves one row; answers htmx with the row's save status, a plain form post with a redirect."""

    permission_required = "pledges.view_internal"

    def post(self, request, *args, **kwargs):
        follow_up = self.get_follow_up()
        row = get_object_or_404(
            ProgressRow.objects.select_related("activity", "updated_by"), pk=kwargs["row"], follow_up=follow_up
        )
        if not can_report_row(request.user, self.municipality, row.activity):
            raise PermissionDenied
        form = ProgressRowForm(request.POST, instance=row, prefix=f"row{row.pk}")
        htmx = bool(request.headers.get("HX-Request"))
        status, context = 200, {"row": row, "form": form}
        if form.is_valid():
            try:
                saved = services.row_save(
                    row_id=row.pk,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    achieved=form.cleaned_data["achieved"],
                    narrative=form.cleaned_data["narrative"],
                    version=form.cleaned_data["version"],
                )
                context.update(row=saved, saved=True)
            except services.StaleRowError as conflict:
                status = 409
                context.update(conflict=conflict.row)
            except ValidationError as error:
                status = 422
                context.update(errors=validation_messages(error))
        else:
            status = 422
            context.update(errors=[e for errors in form.errors.values() for e in errors])
        if htmx:
            return render(request, "pledges/includes/row_status.html", context, status=status)
        if status == 200:
            messages.success(request, _("The row was saved."))
        elif status == 409:
            messages.error(
                request, _("Someone else saved this row after you opened it. Check their text and save again.")
            )
        else:
            for error in context.get("errors", []):
                messages.error(request, error)
        return redirect(self.edit_url(follow_up) + f"#row-{row.pk}")


class FollowUpActionView(FollowUpScopedMixin, View):
    form_class = None

    def post(self, request, *args, **kwargs):
        follow_up = self.get_follow_up()
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self.edit_url(follow_up))
        try:
            self.act(follow_up, form.cleaned_data if form else {})
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(request, message)
            return redirect(self.edit_url(follow_up))
        messages.success(request, self.success_message)
        return redirect(self.success_url(follow_up))

    def success_url(self, follow_up):
        return self.edit_url(follow_up)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class FollowUpSubmitView(FollowUpActionView):
    permission_required = "pledges.submit_follow_up"
    success_message = gettext_lazy("The follow-up was sent to the coordinator for approval.")

    def act(self, follow_up, data):
        services.follow_up_submit(follow_up=follow_up, by=self.request.user)


class FollowUpApproveView(FollowUpActionView):
    permission_required = "pledges.approve_follow_up"
    form_class = ApproveForm
    success_message = gettext_lazy("The follow-up is approved and published.")

    def act(self, follow_up, data):
        services.follow_up_approve(follow_up=follow_up, by=self.request.user, correction_note=data["correction_note"])


class FollowUpReturnView(FollowUpActionView):
    permission_required = "pledges.approve_follow_up"
    form_class = ReturnForm
    success_message = gettext_lazy("The follow-up was returned with your comment.")

    def act(self, follow_up, data):
        services.follow_up_return(follow_up=follow_up, by=self.request.user, comment=data["comment"])


class FollowUpReopenView(FollowUpActionView):
    permission_required = "pledges.approve_follow_up"
    success_message = gettext_lazy(
        "The follow-up is open for a correction. Residents see the published version until you approve again."
    )

    def act(self, follow_up, data):
        services.follow_up_reopen(follow_up=follow_up, by=self.request.user)
