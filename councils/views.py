from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DeleteView, DetailView, ListView, TemplateView, UpdateView
from django.views.generic.edit import FormView

from actionplans.selectors import municipality_clock
from core.public_cache import PublicPageCacheMixin
from core.views import MunicipalityMixin
from councils import selectors, services
from councils.forms import (
    CouncilForm,
    InvitationForm,
    MembershipForm,
    MunicipalityCreateForm,
    MunicipalitySettingsForm,
    OrganisationForm,
    PortalRoleForm,
)
from councils.meetings_selectors import latest_published_minutes
from councils.models import Council, County, Membership, Municipality, Organisation, PortalRole
from pledges.selectors import current_pledges_with_latest_follow_up
from situation.picture import latest_adopted_picture

# --- public pages -------------------------------------------------------------------------------------------


class PublicIndexView(PublicPageCacheMixin, ListView):
    template_name = "councils/public_index.html"
    context_object_name = "municipalities"

    def get_queryset(self):
        return selectors.public_municipalities().order_by("county", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(County.choices)
        groups: dict[str, list] = {}
        for municipality in context["municipalities"]:
            groups.setdefault(labels.get(municipality.county, municipality.county), []).append(municipality)
        context["counties"] = list(groups.items())
        return context


class PublicMunicipalityView(PublicPageCacheMixin, DetailView):
    template_name = "councils/public_municipality.html"
    context_object_name = "municipality"
    slug_url_kwarg = "kommun"

    def get_queryset(self):
        return Municipality.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["councils"] = selectors.public_councils(municipality=self.object)
        context["current_pledges"] = current_pledges_with_latest_follow_up(municipality=self.object)
        context["situation_picture"] = latest_adopted_picture(municipality=self.object)
        context["latest_minutes"] = latest_published_minutes(municipality=self.object)
        context["picture_clock"], context["plan_clock"] = municipality_clock(
            municipality=self.object, today=timezone.localdate()
        )
        return context


# --- staff area ---------------------------------------------------------------------------------------------


class StaffHomeView(LoginRequiredMixin, TemplateView):
    template_name = "councils/staff_home.html"

    def get(self, request, *args, **kwargs):
        municipalities = list(Municipality.objects.visible_to(request.user).order_by("name"))
        if len(municipalities) == 1 and not request.user.is_superuser:
            return redirect(municipalities[0].get_staff_url())
        return self.render_to_response(self.get_context_data(municipalities=municipalities))


class SuperuserRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_superuser


class MunicipalityCreateView(SuperuserRequiredMixin, CreateView):
    page_title = gettext_lazy("Add a municipality")
    model = Municipality
    form_class = MunicipalityCreateForm
    template_name = "councils/form.html"

    def form_valid(self, form):
        messages.success(self.request, _("The municipality was created."))
        return super().form_valid(form)

    def get_success_url(self):
        return self.object.get_staff_url()


class MunicipalityDashboardView(MunicipalityMixin, TemplateView):
    permission_required = "councils.enter_staff_area"
    template_name = "councils/staff_municipality.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["councils"] = selectors.staff_councils(municipality=self.municipality)
        context["picture_clock"], context["plan_clock"] = municipality_clock(
            municipality=self.municipality, today=timezone.localdate()
        )
        return context


class MunicipalitySettingsView(MunicipalityMixin, UpdateView):
    page_title = gettext_lazy("Municipality settings and contact")
    permission_required = "councils.change_municipality_settings"
    form_class = MunicipalitySettingsForm
    template_name = "councils/form.html"

    def get_object(self, queryset=None):
        return self.municipality

    def form_valid(self, form):
        messages.success(self.request, _("The settings were saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return self.municipality.get_staff_url()


class CouncilScopedMixin(MunicipalityMixin):
    """Looks up the council from the URL within the current municipality (404 for another tenant's)."""

    def get_council(self):
        if not hasattr(self, "_council"):
            self._council = get_object_or_404(
                Council.objects.for_municipality(self.municipality), pk=self.kwargs["council_pk"]
            )
        return self._council

    def get_context_data(self, **kwargs):
        kwargs.setdefault("council", self.get_council())
        return super().get_context_data(**kwargs)


class CouncilFormMixin(MunicipalityMixin):
    model = Council
    form_class = CouncilForm
    permission_required = "councils.manage_council"
    template_name = "councils/form.html"

    def get_queryset(self):
        return Council.objects.for_municipality(self.municipality)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality, "user": self.request.user}

    def get_success_url(self):
        return reverse("councils:council-detail", kwargs={"kommun": self.municipality.slug, "pk": self.object.pk})


class CouncilCreateView(CouncilFormMixin, CreateView):
    page_title = gettext_lazy("Add a council")

    def form_valid(self, form):
        messages.success(self.request, _("The council was created."))
        return super().form_valid(form)


class CouncilUpdateView(CouncilFormMixin, UpdateView):
    page_title = gettext_lazy("Edit the council")

    def form_valid(self, form):
        messages.success(self.request, _("The council was saved."))
        return super().form_valid(form)


class CouncilDetailView(MunicipalityMixin, DetailView):
    permission_required = "councils.view_internal"
    template_name = "councils/council_detail.html"
    context_object_name = "council"

    def get_queryset(self):
        return Council.objects.for_municipality(self.municipality).prefetch_related("municipalities")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.council_members(council=self.object)
        return context


class MembershipCreateView(CouncilScopedMixin, CreateView):
    page_title = gettext_lazy("Add a member")
    permission_required = "councils.manage_council"
    model = Membership
    form_class = MembershipForm
    template_name = "councils/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "council": self.get_council()}

    def form_valid(self, form):
        messages.success(self.request, _("%(name)s was added to the council.") % {"name": form.instance.name})
        return super().form_valid(form)

    def get_success_url(self):
        return reverse(
            "councils:council-detail", kwargs={"kommun": self.municipality.slug, "pk": self.get_council().pk}
        )


class MembershipScopedMixin(MunicipalityMixin):
    permission_required = "councils.manage_council"
    model = Membership

    def get_queryset(self):
        return Membership.objects.filter(council__municipalities=self.municipality).select_related("council")

    def get_success_url(self):
        return reverse(
            "councils:council-detail", kwargs={"kommun": self.municipality.slug, "pk": self.object.council_id}
        )


class MembershipUpdateView(MembershipScopedMixin, UpdateView):
    page_title = gettext_lazy("Edit the seat")
    form_class = MembershipForm
    template_name = "councils/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "council": self.object.council}

    def form_valid(self, form):
        messages.success(self.request, _("The seat was saved."))
        return super().form_valid(form)


class MembershipDeleteView(MembershipScopedMixin, DeleteView):
    template_name = "councils/confirm_delete.html"

    def form_valid(self, form):
        messages.success(self.request, _("%(name)s was removed from the council.") % {"name": self.object.name})
        return super().form_valid(form)


class CouncilHistoryView(CouncilScopedMixin, TemplateView):
    """Who changed which seat, when, and what changed: including seats that were removed."""

    permission_required = "councils.view_member_history"
    template_name = "councils/council_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = list(
            Membership.history.filter(council_id=self.get_council().pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous_by_member = {}
        entries = []
        for record in records:
            previous = previous_by_member.get(record.id)
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                changes = [
                    {
                        "field": Membership._meta.get_field(change.field).verbose_name,
                        "old": change.old,
                        "new": change.new,
                    }
                    for change in delta.changes
                ]
            entries.append({"record": record, "changes": changes})
            previous_by_member[record.id] = record
        entries.sort(key=lambda e: e["record"].history_date, reverse=True)
        context["entries"] = entries
        return context


class OrganisationListView(MunicipalityMixin, ListView):
    permission_required = "councils.manage_council"
    template_name = "councils/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        return Organisation.objects.filter(municipality=self.municipality)


class OrganisationFormMixin(MunicipalityMixin):
    permission_required = "councils.manage_council"
    model = Organisation
    form_class = OrganisationForm
    template_name = "councils/form.html"

    def get_queryset(self):
        return Organisation.objects.filter(municipality=self.municipality)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality}

    def form_valid(self, form):
        messages.success(self.request, _("The organisation was saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("councils:organisation-list", kwargs={"kommun": self.municipality.slug})


class OrganisationCreateView(OrganisationFormMixin, CreateView):
    page_title = gettext_lazy("Add an organisation")


class OrganisationUpdateView(OrganisationFormMixin, UpdateView):
    page_title = gettext_lazy("Edit the organisation")


class RoleListView(MunicipalityMixin, ListView):
    permission_required = "councils.manage_roles"
    template_name = "councils/role_list.html"
    context_object_name = "roles"

    def get_queryset(self):
        return PortalRole.objects.filter(municipality=self.municipality).select_related("user")


class InvitationView(MunicipalityMixin, FormView):
    page_title = gettext_lazy("Invite a user")
    permission_required = "councils.manage_roles"
    form_class = InvitationForm
    template_name = "councils/form.html"

    def form_valid(self, form):
        services.user_invite(
            municipality=self.municipality,
            by=self.request.user,
            base_url=self.request.build_absolute_uri("/"),
            **form.cleaned_data,
        )
        messages.success(
            self.request,
            _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("councils:role-list", kommun=self.municipality.slug)


class RoleScopedMixin(MunicipalityMixin):
    permission_required = "councils.manage_roles"
    model = PortalRole

    def get_queryset(self):
        return PortalRole.objects.filter(municipality=self.municipality).select_related("user")

    def get_success_url(self):
        return reverse("councils:role-list", kwargs={"kommun": self.municipality.slug})


class RoleUpdateView(RoleScopedMixin, UpdateView):
    page_title = gettext_lazy("Change the role")
    form_class = PortalRoleForm
    template_name = "councils/form.html"

    def form_valid(self, form):
        messages.success(self.request, _("The role was changed."))
        return super().form_valid(form)


class RoleDeleteView(RoleScopedMixin, DeleteView):
    template_name = "councils/confirm_delete.html"

    def form_valid(self, form):
        if self.object.user_id == self.request.user.pk:
            messages.error(self.request, _("You cannot remove your own role."))
            return redirect(self.get_success_url())
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, _("The role was removed."))
        return response
