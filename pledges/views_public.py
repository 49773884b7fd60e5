"""Public pages of citizen pledges: only published pledges and published follow-up revisions."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from core.pdf import open_stored, pdf_or_waiting_page
from core.periods import Tertial
from core.public_cache import PublicPageCacheMixin
from councils.models import Municipality
from pledges import selectors
from pledges.models import CitizenPledge, FollowUpRevision
from pledges.pdf import follow_up_context


class PublicMunicipalityMixin:
    def dispatch(self, request, *args, **kwargs):
        self.municipality = get_object_or_404(Municipality.objects.public(), slug=kwargs["kommun"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("municipality", self.municipality)
        return super().get_context_data(**kwargs)

    def get_pledge(self):
        return get_object_or_404(selectors.public_pledges(municipality=self.municipality), pk=self.kwargs["pk"])


class PledgeListView(PublicPageCacheMixin, PublicMunicipalityMixin, TemplateView):
    template_name = "pledges/public_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledges = list(selectors.public_pledges(municipality=self.municipality))
        current = [p for p in pledges if p.status == CitizenPledge.Status.PUBLISHED]
        earlier = [p for p in pledges if p.status == CitizenPledge.Status.CLOSED]
        by_year: dict[int, list] = {}
        for pledge in earlier:
            by_year.setdefault(pledge.start_date.year, []).append(pledge)
        context.update(current=current, earlier_by_year=sorted(by_year.items(), reverse=True))
        return context


class PledgeDetailView(PublicPageCacheMixin, PublicMunicipalityMixin, DetailView):
    template_name = "pledges/public_detail.html"
    context_object_name = "pledge"

    def get_object(self, queryset=None):
        return self.get_pledge()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revisions = selectors.latest_revisions(pledge=self.object)
        latest = None
        if revisions:
            latest = FollowUpRevision.objects.get(pk=revisions[-1].pk)
        progress = {}
        if latest:
            for area in selectors.revision_focus_areas(latest):
                for activity in area.activities:
                    progress[activity.id] = activity
        areas = list(
            selectors.pledge_with_structure(CitizenPledge.objects.filter(pk=self.object.pk))[0].focus_areas.all()
        )
        for area in areas:
            for activity in area.activities.all():
                activity.published = progress.get(activity.pk)
        context.update(
            focus_areas=areas,
            revisions=revisions,
            latest=latest,
            signatories=list(self.object.signatories.all()),
        )
        return context


def _revision_or_404(view, year, tertial):
    pledge = view.get_pledge()
    try:
        period = Tertial(year, tertial)
    except ValueError as exc:
        raise Http404 from exc
    revision = selectors.published_revision(pledge=pledge, tertial=period)
    if revision is None:
        raise Http404
    return revision


class FollowUpView(PublicPageCacheMixin, PublicMunicipalityMixin, TemplateView):
    template_name = "pledges/public_follow_up.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = _revision_or_404(self, self.kwargs["year"], self.kwargs["tertial"])
        context.update(follow_up_context(revision))
        return context


class FollowUpPdfView(PublicMunicipalityMixin, TemplateView):
    """The PDF when it is rendered; otherwise a page that waits for the worker and then fetches it."""

    template_name = "pledges/pdf_pending.html"

    def get(self, request, *args, **kwargs):
        from pledges.tasks import render_follow_up_pdf_task

        revision = _revision_or_404(self, kwargs["year"], kwargs["tertial"])
        return pdf_or_waiting_page(
            request,
            open_pdf=lambda: open_stored(revision.pdf),
            filename=revision.pdf.name.rsplit("/", 1)[-1] if revision.pdf else "",
            queue=lambda: render_follow_up_pdf_task.delay(revision.pk),
            template=self.template_name,
            context=self.get_context_data(revision=revision, period=revision.follow_up.period),
        )


class FollowUpYearCsvView(PublicMunicipalityMixin, TemplateView):
    """Every published follow-up of one pledge and year, one row per activity and tertial."""

    def get(self, request, *args, **kwargs):
        pledge = self.get_pledge()
        revisions = [r for r in selectors.latest_revisions(pledge=pledge) if r.follow_up.year == kwargs["year"]]
        if not revisions:
            raise Http404
        full = {r.pk: r for r in FollowUpRevision.objects.filter(pk__in=[r.pk for r in revisions])}
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="medborgarlofte-{pledge.pk}-{kwargs["year"]}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 with å ä ö correctly only with a byte order mark.
        writer = csv.writer(response, delimiter=";")
        with translation.override("sv"):
            writer.writerow(
                [
                    _("Year"),
                    _("Tertial"),
                    _("Focus area"),
                    _("Activity"),
                    _("Responsible"),
                    _("Status"),
                    _("Achieved this year"),
                    _("Target"),
                    _("Unit"),
                    _("What was done"),
                    _("Published"),
                ]
            )
            for revision in revisions:
                published = full[revision.pk]
                for area in selectors.revision_focus_areas(published):
                    for activity in area.activities:
                        writer.writerow(
                            [
                                revision.follow_up.year,
                                f"T{revision.follow_up.tertial}",
                                area.title,
                                activity.description,
                                activity.responsible_label,
                                activity.status_label,
                                activity.achieved if activity.achieved is not None else "",
                                activity.target if activity.target is not None else "",
                                activity.unit,
                                activity.narrative,
                                published.published_at.date().isoformat(),
                            ]
                        )
        return response
