"""The access log of sensitive data, for the municipality's coordinator."""

from django.urls import path

from core import audit_views as views

app_name = "audit"

BASE = "hantera/<slug:kommun>/atkomstlogg"

urlpatterns = [
    path(f"{BASE}/", views.AccessLogView.as_view(), name="access-log"),
    path(f"{BASE}.csv", views.AccessLogCsvView.as_view(), name="access-log-csv"),
]
