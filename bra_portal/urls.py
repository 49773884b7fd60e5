from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from councils import data_rights_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    # Django's set_language (POST language=sv|en, next=…): the choice is kept in a cookie for a year.
    path("sprak/", include("django.conf.urls.i18n")),
    path("tillganglighet/", core_views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("integritet/", data_rights_views.PrivacyView.as_view(), name="privacy"),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("core.api_urls")),
    path("", include("core.urls_audit")),
    path("", include("pledges.urls")),
    path("", include("situation.urls")),
    path("", include("actionplans.urls")),
    path("", include("councils.urls")),
]
