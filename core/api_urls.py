"""/api/v1/: read-only open data (JSON) of everything public, described by OpenAPI at /api/v1/schema/."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.reverse import reverse

from councils.api import MunicipalityViewSet
from pledges.api import FollowUpViewSet, PledgeViewSet

app_name = "api"


class OpenDataRootView(routers.APIRootView):
    """The endpoints of the open-data API and its OpenAPI description."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        schema = reverse("api:schema", request=request, format=kwargs.get("format"))
        return Response({**response.data, "schema": schema})


class OpenDataRouter(routers.DefaultRouter):
    APIRootView = OpenDataRootView
    include_format_suffixes = False


router = OpenDataRouter()
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("pledges", PledgeViewSet, basename="pledge")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    *router.urls,
]
