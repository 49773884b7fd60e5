from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("tillganglighet/", core_views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("core.api_urls")),
    path("", include("pledges.urls")),
    path("", include("situation.urls")),
    path("", include("actionplans.urls")),
    path("", include("councils.urls")),
]
