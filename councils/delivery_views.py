"""The delivery log: what the reminder engine sent for a municipality, and what it could not send."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core.models import Delivery
from core.views import MunicipalityMixin
from councils.calendar_forms import DeliveryFilterForm

FAILED_SHOWN = 20
# Readable names of the engine's kinds (core/reminder_kinds.py); a kind may also carry its own `label`.
KIND_LABELS = {
    "meeting": gettext_lazy("Meeting reminder"),
    "minutes_overdue": gettext_lazy("Minutes overdue"),
    "follow_up_due": gettext_lazy("Follow-up due"),
    "pledge_ending": gettext_lazy("Citizen pledge ending"),
    "statutory": gettext_lazy("Situation picture or plan expiring"),
    "term_ending": gettext_lazy("Member's term ending"),
    "overdue_measures": gettext_lazy("Overdue measures (weekly)"),
    "digest": gettext_lazy("Daily digest"),
    "subscription_confirm": gettext_lazy("Subscription confirmation"),
    "publication": gettext_lazy("News to subscribers"),
}


def kind_labels() -> dict[str, str]:
    from core.reminders import kinds

    return {name: getattr(kind, "label", None) or KIND_LABELS.get(name, name) for name, kind in kinds().items()}


class DeliveryLogView(MunicipalityMixin, ListView):
    """Newest first, filtered by status and kind; failed deliveries first and prominently, with a retry."""

    permission_required = "councils.manage_council"
    template_name = "councils/delivery_log.html"
    context_object_name = "deliveries"
    paginate_by = 50

    def get_queryset(self):
        self.labels = kind_labels()
        self.filter_form = DeliveryFilterForm(self.request.GET or None, kinds=self.labels)
        deliveries = Delivery.objects.filter(municipality=self.municipality).defer("context")
        if self.filter_form.is_valid():
            if status := self.filter_form.cleaned_data["status"]:
                deliveries = deliveries.filter(status=status)
            if kind := self.filter_form.cleaned_data["kind"]:
                deliveries = deliveries.filter(kind=kind)
        return deliveries.order_by("-send_after", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        failed = Delivery.objects.filter(municipality=self.municipality, status=Delivery.Status.FAILED).defer("context")
        context["failed"] = list(failed.order_by("-send_after", "-id")[:FAILED_SHOWN])
        context["failed_count"] = failed.count()
        context["filter_form"] = self.filter_form
        context["kind_labels"] = self.labels
        for delivery in [*context["failed"], *context["deliveries"]]:
            delivery.kind_label = self.labels.get(delivery.kind, delivery.kind)
        return context


class DeliveryRetryView(MunicipalityMixin, View):
    """POST "Try again" on a failed delivery: a new round of attempts, sent by the worker at once."""

    permission_required = "councils.manage_council"

    def post(self, request, *args, **kwargs):
        from core.reminders import retry_now
        from core.tasks import enqueue_on_commit, send_due_task

        delivery = get_object_or_404(Delivery, pk=kwargs["pk"], municipality=self.municipality)
        if delivery.status == Delivery.Status.FAILED:
            with transaction.atomic():
                retry_now(delivery)
                enqueue_on_commit(send_due_task)
            message = _("The e-mail to %(recipient)s will be sent again in a moment.")
            messages.success(request, message % {"recipient": delivery.recipient_email})
        else:
            messages.info(request, _("That e-mail has not failed, so there is nothing to try again."))
        return redirect("councils:delivery-log", kommun=self.municipality.slug)
