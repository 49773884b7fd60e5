"""Staff pages of the imports: crime statistics from CSV (upload → preview → confirm), for coordinator or police.

The uploaded file waits between preview and confirmation under a random token that is kept in the uploader's
session together with the municipality and the user; the confirmation checks the file again from scratch and
trusts nothing the browser sends back but the token, which must match the session's.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db.models import Count, Max
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from core.views import MunicipalityMixin
from situation import imports
from situation.forms_imports import StatisticsUploadForm
from situation.models import FeedState, PoliceEvent
from situation.police_feed import STATE_KEY

SESSION_KEY = "situation_statistics_imports"
# Every bad row is counted; a page listing a hundred thousand of them helps nobody, so the list stops here.
ERRORS_SHOWN = 1000


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops receiving a file once it passes the limit, so an oversized upload is never stored whole."""

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _pending(request, municipality) -> dict | None:
    entry = request.session.get(SESSION_KEY, {}).get(str(municipality.pk))
    if entry and entry.get("user") == request.user.pk:
        return entry
    return None


def _remember(request, municipality, *, token: str, name: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending[str(municipality.pk)] = {"token": token, "name": name, "user": request.user.pk}
    request.session[SESSION_KEY] = pending


def _forget(request, municipality) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(str(municipality.pk), None)
    if entry:
        imports.pending_upload_delete(entry["token"])
    request.session[SESSION_KEY] = pending


def comparison_summary(comparison: imports.Comparison, *, done: bool) -> str:
    """'3 new, 2 to be updated' before the import; '3 new, 2 updated' after it."""
    parts = [ngettext("%(count)d new", "%(count)d new", comparison.new) % {"count": comparison.new}]
    if done:
        parts.append(
            ngettext("%(count)d updated", "%(count)d updated", comparison.updated) % {"count": comparison.updated}
        )
    else:
        parts.append(
            ngettext("%(count)d to be updated", "%(count)d to be updated", comparison.updated)
            % {"count": comparison.updated}
        )
    if comparison.unchanged:
        parts.append(
            ngettext("%(count)d unchanged", "%(count)d unchanged", comparison.unchanged)
            % {"count": comparison.unchanged}
        )
    return ", ".join(parts)


class StatisticsImportMixin(MunicipalityMixin):
    permission_required = "situation.import_data"

    def upload_url(self):
        return reverse("situation:import-statistics", kwargs={"kommun": self.municipality.slug})

    def preview_url(self):
        return reverse("situation:import-statistics-preview", kwargs={"kommun": self.municipality.slug})

    def parse_pending(self, entry):
        """The pending upload checked afresh, or None (with a message) when it is gone."""
        try:
            with imports.pending_upload_open(entry["token"]) as file:
                return imports.statistics_parse(file=file, municipality=self.municipality)
        except (FileNotFoundError, ValueError):
            _forget(self.request, self.municipality)
            messages.error(self.request, _("The uploaded file is no longer available. Upload it again."))
            return None


@method_decorator(csrf_exempt, name="dispatch")  # checked in post(), once the size guard is in place
class StatisticsUploadView(StatisticsImportMixin, FormView):
    page_title = gettext_lazy("Import crime statistics")
    form_class = StatisticsUploadForm
    template_name = "situation/import_statistics.html"

    def post(self, request, *args, **kwargs):
        # Django reads the request body when the CSRF token is checked, so the guard goes in before that.
        self.size_guard = SizeLimitUploadHandler(request, max_bytes=settings.STAT_IMPORT_MAX_BYTES)
        request.upload_handlers.insert(0, self.size_guard)
        return csrf_protect(self._post)(request, *args, **kwargs)

    def _post(self, request, *args, **kwargs):
        form = self.get_form()
        if self.size_guard.exceeded:
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error(
                "file",
                ValidationError(
                    _("The file is larger than the limit of %(limit)s.")
                    % {"limit": filesizeformat(settings.STAT_IMPORT_MAX_BYTES)},
                    code="too_large",
                ),
            )
            return self.form_invalid(form)
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        result = imports.statistics_parse(file=upload, municipality=self.municipality)
        if result.file_error:
            form.add_error("file", ValidationError(result.file_error, code="unreadable"))
            return self.form_invalid(form)
        _forget(self.request, self.municipality)
        token = imports.pending_upload_save(file=upload)
        _remember(self.request, self.municipality, token=token, name=upload.name)
        return redirect(self.preview_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["periods"] = imports.statistics_latest_periods(municipality=self.municipality)
        context["pending"] = _pending(self.request, self.municipality)
        context["feed_configured"] = bool(settings.POLICE_FEED_URL)
        context["feed_state"] = FeedState.objects.filter(key=STATE_KEY).first()
        context["police_events"] = PoliceEvent.objects.filter(municipality=self.municipality).aggregate(
            count=Count("id"), latest=Max("occurred_at")
        )
        return context


class StatisticsPreviewView(StatisticsImportMixin, TemplateView):
    page_title = gettext_lazy("Check the crime statistics before importing")
    template_name = "situation/import_statistics_preview.html"

    def get(self, request, *args, **kwargs):
        entry = _pending(request, self.municipality)
        if entry is None:
            messages.info(request, _("No uploaded file is waiting to be imported. Upload one."))
            return redirect(self.upload_url())
        result = self.parse_pending(entry)
        if result is None:
            return redirect(self.upload_url())
        comparison = imports.statistics_compare(result=result, municipality=self.municipality)
        return self.render_to_response(
            self.get_context_data(
                entry=entry,
                result=result,
                comparison_text=comparison_summary(comparison, done=False),
                shown_errors=result.errors[:ERRORS_SHOWN],
                hidden_errors=max(0, len(result.errors) - ERRORS_SHOWN),
            )
        )


class StatisticsConfirmView(StatisticsImportMixin, View):
    def post(self, request, *args, **kwargs):
        entry = _pending(request, self.municipality)
        if entry is None or request.POST.get("token") != entry["token"]:
            messages.error(
                request, _("This preview is no longer current, so nothing was imported. Upload the file again.")
            )
            return redirect(self.upload_url())
        result = self.parse_pending(entry)
        if result is None:
            return redirect(self.upload_url())
        try:
            comparison = imports.statistics_import(result=result, municipality=self.municipality, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.preview_url())
        _forget(request, self.municipality)
        messages.success(
            request,
            _("The crime statistics were imported: %(summary)s.")
            % {"summary": comparison_summary(comparison, done=True)},
        )
        return redirect(self.upload_url())


class StatisticsCancelView(StatisticsImportMixin, View):
    def post(self, request, *args, **kwargs):
        _forget(request, self.municipality)
        messages.info(request, _("The upload was cancelled; nothing was imported."))
        return redirect(self.upload_url())
