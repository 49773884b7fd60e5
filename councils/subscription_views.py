"""Residents' e-mail subscriptions to a municipality's publications: double opt-in, one-click unsubscribe.

None of these pages uses the anonymous whole-page cache (core/public_cache.py): the form carries a CSRF token,
and the other pages are personal (the token in the address is the credential). They are marked never to be
cached anywhere.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from core import subscriptions
from core.models import Subscription
from councils.calendar_forms import SubscriptionForm, SubscriptionTopicsForm
from councils.models import Municipality

# Requests to subscribe from one network address per hour, whatever the e-mail addresses.
REQUESTS_PER_HOUR = 20


class PublicMunicipalityMixin:
    def dispatch(self, request, *args, **kwargs):
        self.municipality = get_object_or_404(Municipality.objects.public(), slug=kwargs["kommun"])
        refusal = self.refuse(request, **kwargs)
        return refusal or super().dispatch(request, *args, **kwargs)

    def refuse(self, request, **kwargs):
        """A response that ends the request before the view runs, or None."""
        return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("municipality", self.municipality)
        return super().get_context_data(**kwargs)


def _client_address(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        # Behind the TLS proxy every request comes from the proxy; the proxy appends the address it saw, so the
        # last entry is the one to trust (earlier ones are whatever the client sent).
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _over_limit(request) -> bool:
    key = f"subscribe-requests:{_client_address(request)}"
    cache.add(key, 0, 60 * 60)
    try:
        return cache.incr(key) > REQUESTS_PER_HOUR
    except ValueError:  # expired between add and incr
        return False


@method_decorator(never_cache, name="dispatch")
class SubscribeView(PublicMunicipalityMixin, FormView):
    form_class = SubscriptionForm
    template_name = "councils/subscriptions/subscribe.html"

    def form_valid(self, form):
        if _over_limit(self.request):
            form.add_error(None, _("Too many requests from your connection. Please try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        subscriptions.subscription_request(
            municipality=self.municipality, email=form.cleaned_data["email"], topics=form.cleaned_data["topics"]
        )
        # The same answer whether or not the address was known: the mail tells its owner the rest.
        return redirect("councils:subscribe-sent", kommun=self.municipality.slug)


class SubscribeSentView(PublicMunicipalityMixin, TemplateView):
    template_name = "councils/subscriptions/sent.html"


class SubscriptionTokenMixin(PublicMunicipalityMixin):
    """Looks up the subscription by the token in the address; an unknown or old token gets a 404 page."""

    include_cancelled = False

    def refuse(self, request, **kwargs):
        matches = Subscription.objects.filter(municipality=self.municipality, token=kwargs["token"])
        if not self.include_cancelled:
            matches = matches.filter(unsubscribed_at__isnull=True)
        self.subscription = matches.first()
        if self.subscription is None:
            return render(
                request, "councils/subscriptions/invalid_link.html", {"municipality": self.municipality}, status=404
            )
        return None


@method_decorator(never_cache, name="dispatch")
class SubscriptionConfirmView(SubscriptionTokenMixin, FormView):
    """GET shows the topics and a button; only the POST confirms (mail scanners follow links, they do not post).
    For a confirmed subscription the same page changes the topics."""

    template_name = "councils/subscriptions/confirm.html"

    def get_initial(self):
        return {"topics": self.subscription.topics}

    def get_form(self, form_class=None):
        label = _("Save my choice") if self.subscription.is_active else _("Confirm my subscription")
        return SubscriptionTopicsForm(**self.get_form_kwargs(), submit_label=label)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("subscription", self.subscription)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        was_active = self.subscription.is_active
        subscriptions.subscription_confirm(subscription=self.subscription, topics=form.cleaned_data["topics"])
        if was_active:
            messages.success(self.request, _("Your choice was saved."))
        else:
            messages.success(
                self.request,
                _("Thank you! Your subscription is confirmed. You will get an e-mail when something is published."),
            )
        return redirect(self.request.path)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(SubscriptionTokenMixin, View):
    """GET shows one button; POST unsubscribes at once.

    Exempt from CSRF: mail clients send RFC 8058's one-click POST ("List-Unsubscribe=One-Click") without a
    form or a cookie, and the token in the address is the credential. The only thing a forged POST can do is
    what the link's owner could do with one click.
    """

    include_cancelled = True

    def get(self, request, *args, **kwargs):
        return self._render(done=self.subscription.unsubscribed_at is not None)

    def post(self, request, *args, **kwargs):
        subscriptions.subscription_cancel(subscription=self.subscription)
        return self._render(done=True)

    def _render(self, *, done):
        return render(
            self.request,
            "councils/subscriptions/unsubscribe.html",
            {"municipality": self.municipality, "subscription": self.subscription, "done": done},
        )
