"""The analysis of incidents: figures, chart and map, and the same filtered incidents as CSV."""

from django.urls import path

from situation import views_analysis as views

BASE = "hantera/<slug:kommun>/lagesbild"

urlpatterns = [
    path(f"{BASE}/analys/", views.AnalysisView.as_view(), name="analysis"),
    path(f"{BASE}/analys.csv", views.AnalysisCsvView.as_view(), name="analysis-csv"),
]
