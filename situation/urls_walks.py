from django.urls import path

from situation import views_walks as views

BASE = "hantera/<slug:kommun>/trygghetsvandringar"

urlpatterns = [
    path(f"{BASE}/", views.WalkListView.as_view(), name="walk-list"),
    path(f"{BASE}/ny/", views.WalkCreateView.as_view(), name="walk-create"),
    path(f"{BASE}/<int:pk>/", views.WalkDetailView.as_view(), name="walk-detail"),
    path(f"{BASE}/<int:pk>/andra/", views.WalkUpdateView.as_view(), name="walk-update"),
    path(f"{BASE}/<int:pk>/rapport/", views.WalkReportView.as_view(), name="walk-report"),
    path(f"{BASE}/<int:pk>/rapport.pdf", views.WalkReportPdfView.as_view(), name="walk-report-pdf"),
    path(
        f"{BASE}/<int:pk>/observationer/ny/",
        views.ObservationCreateView.as_view(),
        name="walk-observation-create",
    ),
    path(
        f"{BASE}/observationer/<int:pk>/andra/",
        views.ObservationUpdateView.as_view(),
        name="walk-observation-update",
    ),
    path(
        f"{BASE}/observationer/<int:pk>/utfall/",
        views.ObservationOutcomeView.as_view(),
        name="walk-observation-outcome",
    ),
    path(f"{BASE}/observationer/<int:pk>/foto/", views.ObservationPhotoView.as_view(), name="walk-observation-photo"),
]
