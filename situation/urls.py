"""URLs of the situation picture. Each part keeps its patterns in its own module; all share the namespace."""

from django.urls import include, path

app_name = "situation"

urlpatterns = [
    path("", include("situation.urls_reporting")),
    path("", include("situation.urls_walks")),
    path("", include("situation.urls_imports")),
    path("", include("situation.urls_analysis")),
    path("", include("situation.urls_picture")),
]
