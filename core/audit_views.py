"""The access log page: who read or exported the municipality's internal data, filtered, paginated and as CSV.

Only the coordinator of the municipality (and superusers) may read it (`core/rules.py`); nothing here changes an
entry, and downloading the log is itself logged.
"""

import csv
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core import audit
from core.models import AccessLogEntry
from core.views import MunicipalityMixin

PERMISSION = "core.view_access_log"


class AccessLogFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.ModelChoiceField(label=gettext_lazy("User"), required=False, queryset=None)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone who appears in this municipality's log, also people whose role has since been removed.
        readers = AccessLogEntry.objects.filter(municipality=municipality, user__isnull=False).values("user")
        self.fields["user"].queryset = get_user_model().objects.filter(pk__in=readers).order_by("full_name", "email")
        self.fields["user"].empty_label = _("All")
        self.fields["action"].choices = [("", _("All")), *AccessLogEntry.Action.choices]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The period cannot end before it starts."), code="period_order")
        return data

    def apply(self, entries):
        """The entries the filter selects: all when nothing is chosen, none when the filter is wrong."""
        if not self.is_bound:
            return entries
        if not self.is_valid():
            return entries.none()
        data, tz = self.cleaned_data, timezone.get_default_timezone()
        if data["start"]:
            entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(data["start"], time.min), tz))
        if data["end"]:
            next_day = data["end"] + timedelta(days=1)
            entries = entries.filter(at__lt=timezone.make_aware(datetime.combine(next_day, time.min), tz))
        if data["user"]:
            entries = entries.filter(user=data["user"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        return entries


def _labels():
    from councils.models import PortalRole
    from situation.models import Visibility

    return {
        "role": {**dict(PortalRole.Role.choices), "superuser": _("Superuser")},
        "visibility": dict(Visibility.choices),
    }


def describe(entries, labels) -> None:
    """Readable words for the coded fields of each entry (kept on the objects, for the page and the CSV)."""
    for entry in entries:
        entry.role_label = labels["role"].get(entry.role, entry.role)
        entry.what_label = audit.what_label(entry.what)
        entry.visibility_label = ", ".join(
            str(labels["visibility"].get(level, level)) for level in entry.visibility.split(",") if level
        )


class AccessLogMixin(MunicipalityMixin):
    permission_required = PERMISSION

    def filtered_entries(self):
        self.filter_form = AccessLogFilterForm(self.request.GET or None, municipality=self.municipality)
        entries = AccessLogEntry.objects.filter(municipality=self.municipality).select_related("user")
        return self.filter_form.apply(entries).order_by("-at", "-id")


class AccessLogView(AccessLogMixin, ListView):
    """Newest first, 50 a page; the query count is the same for one entry and for a million."""

    template_name = "core/audit/access_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered_entries()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        describe(context["entries"], _labels())
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=self.filter_form, filter_query=query.urlencode())
        return context


def _cell(value) -> str:
    """Text a spreadsheet would run as a formula starts with an apostrophe instead."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    """A file-like object whose write() hands back the line, for csv.writer in a streamed response."""

    def write(self, value):
        return value


class AccessLogCsvView(AccessLogMixin, View):
    """The filtered log as CSV (semicolons, UTF-8 with a byte order mark for Excel), streamed; itself logged."""

    def get(self, request, *args, **kwargs):
        entries = self.filtered_entries()
        if self.filter_form.errors:
            problems = [" ".join(errors) for errors in self.filter_form.errors.values()]
            text = _("The filters could not be used:") + "\n" + "\n".join(problems) + "\n"
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        count = entries.count()
        entry = audit.record(
            request, audit.Action.EXPORT, "access_log_csv", municipality=self.municipality, count=count
        )
        rows = self.rows(entries.filter(pk__lt=entry.pk), translation.get_language())
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        filename = f"atkomstlogg-{self.municipality.slug}-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def rows(self, entries, language):
        """Lines of the file; produced while the response is sent, after the view has returned, hence the
        language of the request is set here again."""
        with translation.override(language):
            yield from self._rows(entries, _labels())

    def _rows(self, entries, labels):
        writer = csv.writer(_Echo(), delimiter=";")
        header = [_("Time"), _("Name"), _("E-mail"), _("Role"), _("Action"), _("What"), _("Object id")]
        header += [_("Visibility levels"), _("Number of records"), _("Filter"), _("Address")]
        yield "\ufeff" + writer.writerow(header)
        tz = timezone.get_default_timezone()
        for entry in entries.iterator(chunk_size=2000):
            describe([entry], labels)
            user = entry.user
            yield writer.writerow(
                [
                    timezone.localtime(entry.at, tz).strftime("%Y-%m-%d %H:%M:%S"),
                    _cell(user.get_full_name() if user else _("Deleted user")),
                    _cell(user.email if user else ""),
                    entry.role_label,
                    entry.get_action_display(),
                    entry.what_label,
                    _cell(entry.object_id),
                    entry.visibility_label,
                    _cell(entry.count),
                    _cell(entry.query),
                    _cell(entry.path),
                ]
            )
