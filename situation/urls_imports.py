from django.urls import path

from situation import views_imports as views

BASE = "hantera/<slug:kommun>/lagesbild/import"

urlpatterns = [
    path(f"{BASE}/statistik/", views.StatisticsUploadView.as_view(), name="import-statistics"),
    path(f"{BASE}/statistik/granska/", views.StatisticsPreviewView.as_view(), name="import-statistics-preview"),
    path(f"{BASE}/statistik/bekrafta/", views.StatisticsConfirmView.as_view(), name="import-statistics-confirm"),
    path(f"{BASE}/statistik/avbryt/", views.StatisticsCancelView.as_view(), name="import-statistics-cancel"),
]
