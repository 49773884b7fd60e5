"""EST reporting from a phone, the incident list, and the places, areas and categories behind them."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView

from core import audit
from core.views import MunicipalityMixin
from situation import services
from situation.categories import categories_for
from situation.forms_reporting import AreaForm, CategoryForm, IncidentReportForm, PlaceForm
from situation.models import Area, Incident, IncidentCategory, Place

# What "report another" carries over from the previous report of the same visit.
CARRIED_OVER = ("occurred_at", "place", "address", "area", "latitude", "longitude", "visibility")


class SituationHomeView(MunicipalityMixin, TemplateView):
    permission_required = "councils.enter_staff_area"
    template_name = "situation/home.html"


class IncidentReportView(MunicipalityMixin, FormView):
    permission_required = "situation.report_incident"
    form_class = IncidentReportForm
    template_name = "situation/incident_report.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality}

    def get_initial(self):
        initial = super().get_initial()
        previous_id = self.request.GET.get("fran")
        if previous_id and previous_id.isdigit():
            previous = Incident.objects.visible_to(self.request.user, self.municipality).filter(pk=previous_id).first()
            if previous:
                initial.update({name: getattr(previous, name) for name in CARRIED_OVER})
                initial["place"] = previous.place_id
                initial["area"] = previous.area_id
        return initial

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "mask_personal_data"}
        incident = services.incident_report(municipality=self.municipality, by=self.request.user, data=data)
        messages.success(
            self.request,
            _("Thank you. The report is saved (%(category)s, %(time)s).")
            % {"category": incident.category, "time": incident.occurred_at.strftime("%H:%M")},
        )
        url = reverse("situation:incident-report", kwargs={"kommun": self.municipality.slug})
        if "another" in self.request.POST:
            return redirect(f"{url}?fran={incident.pk}")
        return redirect("situation:incident-list", kommun=self.municipality.slug)


class IncidentListView(MunicipalityMixin, ListView):
    """Reporters see their own reports; the coordinator and the police liaison all they may see."""

    permission_required = "situation.report_incident"
    template_name = "situation/incident_list.html"
    context_object_name = "incidents"
    paginate_by = 50

    def get_queryset(self):
        return (
            Incident.objects.visible_to(self.request.user, self.municipality)
            .select_related("category", "category__parent", "place", "area", "reported_by")
            .order_by("-occurred_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit.record_incidents_read(
            self.request, "incident_list", municipality=self.municipality, incidents=context["incidents"]
        )
        return context


class IncidentDetailView(MunicipalityMixin, DetailView):
    permission_required = "situation.report_incident"
    template_name = "situation/incident_detail.html"
    context_object_name = "incident"

    def get_queryset(self):
        return Incident.objects.visible_to(self.request.user, self.municipality).select_related(
            "category", "place", "area", "reported_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        audit.record_incidents_read(
            self.request, "incident", municipality=self.municipality, incidents=[incident], obj=incident
        )
        return context


class PlaceListView(MunicipalityMixin, TemplateView):
    permission_required = "situation.manage_places"
    template_name = "situation/place_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["places"] = Place.objects.filter(municipality=self.municipality).select_related("area")
        context["areas"] = Area.objects.filter(municipality=self.municipality).select_related("parent")
        return context


class ScopedFormMixin(MunicipalityMixin):
    """Model forms of reference data that belong to the municipality in the URL."""

    template_name = "councils/form.html"
    success_url_name = "situation:place-list"

    def get_queryset(self):
        return self.model.objects.filter(municipality=self.municipality)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.municipality}

    def form_valid(self, form):
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse(self.success_url_name, kwargs={"kommun": self.municipality.slug})


class PlaceCreateView(ScopedFormMixin, CreateView):
    permission_required = "situation.manage_places"
    model, form_class = Place, PlaceForm
    page_title = gettext_lazy("Add a place")


class PlaceUpdateView(ScopedFormMixin, UpdateView):
    permission_required = "situation.manage_places"
    model, form_class = Place, PlaceForm
    page_title = gettext_lazy("Edit the place")


class AreaCreateView(ScopedFormMixin, CreateView):
    permission_required = "situation.manage_places"
    model, form_class = Area, AreaForm
    page_title = gettext_lazy("Add an area")


class AreaUpdateView(AreaCreateView, UpdateView):
    page_title = gettext_lazy("Edit the area")


class CategoryListView(MunicipalityMixin, ListView):
    permission_required = "situation.manage_categories"
    template_name = "situation/category_list.html"
    context_object_name = "categories"

    def get_queryset(self):
        categories_for(self.municipality)
        return IncidentCategory.objects.filter(municipality=self.municipality).select_related("parent")


class CategoryCreateView(ScopedFormMixin, CreateView):
    permission_required = "situation.manage_categories"
    model, form_class = IncidentCategory, CategoryForm
    success_url_name = "situation:category-list"
    page_title = gettext_lazy("Add a category")


class CategoryUpdateView(CategoryCreateView, UpdateView):
    page_title = gettext_lazy("Edit the category")
