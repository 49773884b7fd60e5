"""The coordinator's export of everything the municipality owns: start one (a worker writes the archive), see the
finished archives and download them. Archives live in the private export folder (core/municipality_export.py)."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core import audit
from core import municipality_export as export
from core.tasks import enqueue_on_commit
from core.views import MunicipalityMixin
from councils.tasks import export_municipality_task

AUDIT_WHAT = "municipality_export"


class ExportView(MunicipalityMixin, TemplateView):
    """GET: the finished archives, newest first, and whether one is being written. POST: start a new export."""

    permission_required = "councils.export_data"
    template_name = "councils/export/export.html"

    def get_context_data(self, **kwargs):
        export.delete_expired(self.municipality.pk)
        context = super().get_context_data(**kwargs)
        context["archives"] = export.archives(self.municipality.pk)
        context["pending"] = export.pending_export(self.municipality.pk)
        context["max_age_days"] = settings.EXPORT_ARCHIVE_MAX_AGE_DAYS
        return context

    def post(self, request, *args, **kwargs):
        name = export.export_request(self.municipality)
        if name is None:
            messages.info(request, _("An export is already being prepared. Reload the page in a while."))
        else:
            enqueue_on_commit(export_municipality_task, self.municipality.pk, name)
            audit.record(request, audit.Action.EXPORT, AUDIT_WHAT, municipality=self.municipality)
            messages.success(
                request, _("The export has started. The archive appears in the list below when it is ready.")
            )
        return redirect("councils:export", kommun=self.municipality.slug)


class ExportDownloadView(MunicipalityMixin, View):
    """Streams one finished archive as an attachment, and records the download in the access log."""

    permission_required = "councils.export_data"

    def get(self, request, *args, **kwargs):
        path = export.archive_path(self.municipality.pk, kwargs["name"])
        if path is None:
            raise Http404(_("There is no such export archive; it may have been deleted after some days."))
        audit.record(request, audit.Action.DOWNLOAD, AUDIT_WHAT, municipality=self.municipality)
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")
