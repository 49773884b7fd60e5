"""The portal's URLs plus a bare view that is the benchmark's baseline: the full middleware stack, no template,
no database. Served only when bench.settings is the settings module."""

from django.http import HttpResponse
from django.urls import include, path

HELLO_PATH = "bench-hello/"


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [
    path(HELLO_PATH, hello, name="bench-hello"),
    path("", include("bra_portal.urls")),
]
