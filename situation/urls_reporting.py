from django.urls import path

from situation import views_reporting as views

BASE = "hantera/<slug:kommun>/lagesbild"

urlpatterns = [
    path(f"{BASE}/", views.SituationHomeView.as_view(), name="staff-home"),
    path(f"{BASE}/rapportera/", views.IncidentReportView.as_view(), name="incident-report"),
    path(f"{BASE}/handelser/", views.IncidentListView.as_view(), name="incident-list"),
    path(f"{BASE}/handelser/<int:pk>/", views.IncidentDetailView.as_view(), name="incident-detail"),
    path(f"{BASE}/platser/", views.PlaceListView.as_view(), name="place-list"),
    path(f"{BASE}/platser/ny/", views.PlaceCreateView.as_view(), name="place-create"),
    path(f"{BASE}/platser/<int:pk>/andra/", views.PlaceUpdateView.as_view(), name="place-update"),
    path(f"{BASE}/omraden/ny/", views.AreaCreateView.as_view(), name="area-create"),
    path(f"{BASE}/omraden/<int:pk>/andra/", views.AreaUpdateView.as_view(), name="area-update"),
    path(f"{BASE}/kategorier/", views.CategoryListView.as_view(), name="category-list"),
    path(f"{BASE}/kategorier/ny/", views.CategoryCreateView.as_view(), name="category-create"),
    path(f"{BASE}/kategorier/<int:pk>/andra/", views.CategoryUpdateView.as_view(), name="category-update"),
]
