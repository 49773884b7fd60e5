"""Data rights: a person's own data (page and JSON download), anonymising a seat or an account, the privacy page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, TemplateView

from core import audit, data_rights, retention
from core.views import validation_messages
from councils.models import Municipality
from councils.views import MembershipScopedMixin, RoleScopedMixin

# --- a person's own data ------------------------------------------------------------------------------------


class MyDataView(LoginRequiredMixin, TemplateView):
    """/konto/mina-uppgifter/: everything the portal holds about the signed-in person (GDPR article 15)."""

    template_name = "councils/data_rights/my_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=data_rights.personal_data(user=self.request.user), **kwargs)


class MyDataDownloadView(LoginRequiredMixin, View):
    """The same as one JSON file. An export: each municipality where the person has a role logs it."""

    def get(self, request):
        now = timezone.now()
        body = data_rights.personal_data_json(sections=data_rights.personal_data(user=request.user), now=now)
        for municipality in data_rights.personal_data_municipalities(user=request.user):
            audit.record(request, audit.Action.EXPORT, "personal_data", municipality=municipality)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"mina-uppgifter-{timezone.localdate(now):%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


# --- anonymising ----------------------------------------------------------------------------------------------


class AnonymiseConfirmMixin:
    """GET: what anonymising will do, and a button; POST: do it. Subclasses say who and how."""

    template_name = "councils/data_rights/anonymise_confirm.html"
    kind = ""

    def person_name(self) -> str:
        raise NotImplementedError

    def refusal(self) -> str | None:
        return None

    def anonymise(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        kwargs.update(kind=self.kind, person_name=self.person_name(), refusal=self.refusal())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            self.anonymise()
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(request, message)
            return redirect(request.path)
        messages.success(request, _("The person was anonymised. The records the person is named in remain."))
        return redirect(self.get_success_url())


class MembershipAnonymiseView(AnonymiseConfirmMixin, MembershipScopedMixin, DetailView):
    kind = "membership"

    def get_queryset(self):
        return super().get_queryset().filter(anonymised_at__isnull=True).select_related("user")

    def person_name(self) -> str:
        return self.object.name

    def anonymise(self):
        data_rights.membership_anonymise(membership=self.object, by=self.request.user)


class RoleAnonymiseView(AnonymiseConfirmMixin, RoleScopedMixin, DetailView):
    """Anonymise the account behind a portal role of this municipality (and every seat that is the person's)."""

    kind = "account"

    def person_name(self) -> str:
        return self.object.user.full_name or self.object.user.email

    def refusal(self) -> str | None:
        return data_rights.user_anonymise_refusal(user=self.object.user, by=self.request.user)

    def anonymise(self):
        data_rights.user_anonymise(user=self.object.user, by=self.request.user)


# --- the privacy page ------------------------------------------------------------------------------------------


def period_text(rule: retention.RetentionRule) -> str:
    """A rule's period in words: days; hours for shorter periods (sessions); minutes below an hour (lockouts)."""
    seconds = int(rule.period.total_seconds())
    if seconds % retention.DAY == 0:
        days = seconds // retention.DAY
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = round(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def months_text(months: int) -> str:
    return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}


class PrivacyView(TemplateView):
    """/integritet/: who is responsible, what is stored and why, for how long (from the registry), your rights."""

    template_name = "core/privacy.html"

    def get_context_data(self, **kwargs):
        rows = []
        for rule in retention.RULES:
            row = {"label": rule.label, "outcome": rule.outcome, "municipalities": []}
            if rule.municipal_field:
                default = Municipality._meta.get_field(rule.municipal_field).default
                row["period"] = _("set by each municipality (default %(period)s)") % {"period": months_text(default)}
                row["municipalities"] = [
                    (name, months_text(months))
                    for name, months in Municipality.objects.public().values_list("name", rule.municipal_field)
                ]
            else:
                row["period"] = period_text(rule)
            rows.append(row)
        return super().get_context_data(
            retention_rows=rows,
            operator_name=settings.PRIVACY_OPERATOR_NAME,
            contact_email=settings.PRIVACY_CONTACT_EMAIL,
            **kwargs,
        )
