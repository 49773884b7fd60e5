from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core.health import health_report


def validation_messages(error: ValidationError) -> list[str]:
    """Every message of a ValidationError, whether it names fields or not (for `messages.error`)."""
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form, each message beside its field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class MunicipalityMixin(PermissionRequiredMixin):
    """Resolves the `kommun` URL argument and checks `permission_required` against that municipality.

    Anonymous visitors are sent to the login page; signed-in users without the permission get 403.
    Objects looked up by the view must be scoped to `self.municipality` so that another tenant's
    ids answer 404.
    """

    municipality_kwarg = "kommun"

    def dispatch(self, request, *args, **kwargs):
        from councils.models import Municipality

        self.municipality = get_object_or_404(Municipality, slug=kwargs[self.municipality_kwarg])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.municipality

    def get_context_data(self, **kwargs):
        kwargs.setdefault("municipality", self.municipality)
        return super().get_context_data(**kwargs)


class AccessibilityStatementView(TemplateView):
    template_name = "core/accessibility.html"


@never_cache
def healthz(request):
    healthy, body = health_report()
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
