"""The public plan and its PDF; staff version comparison, change history and the measures as CSV."""

from django.urls import path

from actionplans import views_more as views

STAFF = "hantera/<slug:kommun>/atgardsplaner"

urlpatterns = [
    # Public: stable addresses residents bookmark (DESIGN.md, "Stable interfaces").
    path("<slug:kommun>/atgardsplan/", views.PublicPlanView.as_view(), name="public-plan"),
    path("<slug:kommun>/atgardsplan.pdf", views.PublicPlanPdfView.as_view(), name="public-plan-pdf"),
    # Staff
    path(f"{STAFF}/jamfor/", views.PlanCompareView.as_view(), name="plan-compare"),
    path(f"{STAFF}/<int:pk>/historik/", views.PlanHistoryView.as_view(), name="plan-history"),
    path(f"{STAFF}/<int:pk>/atgarder.csv", views.MeasuresExportView.as_view(), name="measures-export"),
    path(f"{STAFF}/<int:pk>/import/", views.MeasuresImportView.as_view(), name="measures-import"),
]
