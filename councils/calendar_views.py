"""Calendar feeds and the user's reminder settings."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import UpdateView

from core.models import NotificationPreference
from core.validators import parse_lead_days
from councils import calendar_feeds
from councils.calendar_forms import NotificationPreferenceForm
from councils.models import CalendarFeed, Municipality
from councils.views import CouncilScopedMixin


@require_safe
def calendar_feed(request, token):
    """The feed itself. The token is the credential: an unknown or revoked one answers 404."""
    feed = CalendarFeed.objects.select_related("user", "council").filter(token=token, revoked_at__isnull=True).first()
    if feed is None or (feed.user_id and not feed.user.is_active):
        raise Http404
    response = HttpResponse(calendar_feeds.feed_calendar(feed).to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bra-portalen.ics"'
    # Private to whoever holds the address: never kept by a shared cache, never indexed.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class ReminderSettingsView(LoginRequiredMixin, UpdateView):
    """/konto/paminnelser/: immediate or digest, own meeting lead times, and the private calendar address."""

    form_class = NotificationPreferenceForm
    template_name = "councils/calendar/reminder_settings.html"
    success_url = reverse_lazy("councils:reminder-settings")

    def get_object(self, queryset=None):
        user = self.request.user
        return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feed = calendar_feeds.active_feed(user=self.request.user)
        context["feed"] = feed
        if feed is not None:
            context["feed_url"] = calendar_feeds.feed_address(feed)
            context["webcal_url"] = calendar_feeds.webcal_address(feed)
        municipalities = list(Municipality.objects.filter(portal_roles__user=self.request.user).order_by("name"))
        for municipality in municipalities:
            # "7 och 1", not "7,1", which reads as a decimal number in Swedish.
            days = [str(day) for day in parse_lead_days(municipality.meeting_reminder_days)]
            municipality.lead_days_text = get_text_list(days, _("and"))
        context["municipalities"] = municipalities
        return context

    def form_valid(self, form):
        messages.success(self.request, _("Your reminder settings were saved."))
        return super().form_valid(form)


class MyCalendarFeedRenewView(LoginRequiredMixin, View):
    """POST: a new private calendar address (the old one, if any, stops working)."""

    def post(self, request):
        had_one = calendar_feeds.active_feed(user=request.user) is not None
        calendar_feeds.calendar_feed_renew(user=request.user)
        if had_one:
            messages.success(
                request,
                _("You have a new calendar address. The old one no longer works: add the new one to your calendar."),
            )
        else:
            messages.success(request, _("Your calendar address is ready. Add it to your calendar as described below."))
        return redirect("councils:reminder-settings")


class MyCalendarFeedRevokeView(LoginRequiredMixin, View):
    """POST: turn the private calendar address off."""

    def post(self, request):
        calendar_feeds.calendar_feed_revoke(user=request.user)
        messages.success(
            request,
            _("Your calendar address is turned off. Calendars that used it get no more updates from the portal."),
        )
        return redirect("councils:reminder-settings")


class CouncilFeedActionMixin(CouncilScopedMixin, View):
    permission_required = "councils.manage_council"

    def get_success_url(self):
        kwargs = {"kommun": self.municipality.slug, "pk": self.get_council().pk}
        return reverse("councils:council-detail", kwargs=kwargs)


class CouncilFeedRenewView(CouncilFeedActionMixin):
    def post(self, request, *args, **kwargs):
        calendar_feeds.calendar_feed_renew(council=self.get_council())
        messages.success(request, _("The council has a new calendar address; the old one, if any, no longer works."))
        return redirect(self.get_success_url())


class CouncilFeedRevokeView(CouncilFeedActionMixin):
    def post(self, request, *args, **kwargs):
        calendar_feeds.calendar_feed_revoke(council=self.get_council())
        messages.success(request, _("The council's calendar address is turned off."))
        return redirect(self.get_success_url())
