"""The situation picture document: staff pages, its PDF, and the public aggregate picture."""

from django.urls import path

from situation import views_picture as views

BASE = "hantera/<slug:kommun>/lagesbild/dokument"

urlpatterns = [
    path(f"{BASE}/", views.PictureListView.as_view(), name="picture-list"),
    path(f"{BASE}/ny/", views.PictureCreateView.as_view(), name="picture-create"),
    path(f"{BASE}/<int:pk>/", views.PictureDetailView.as_view(), name="picture-detail"),
    path(f"{BASE}/<int:pk>/andra/", views.PictureUpdateView.as_view(), name="picture-update"),
    path(f"{BASE}/<int:pk>/faststall/", views.PictureAdoptView.as_view(), name="picture-adopt"),
    path(f"{BASE}/<int:pk>/ny-version/", views.PictureNewVersionView.as_view(), name="picture-new-version"),
    path(f"{BASE}/<int:pk>/lagesbild.pdf", views.PicturePdfView.as_view(), name="picture-pdf"),
    path(f"{BASE}/<int:pk>/problemomraden/ny/", views.ProblemCreateView.as_view(), name="picture-problem-create"),
    path(
        f"{BASE}/<int:pk>/problemomraden/<int:problem_pk>/andra/",
        views.ProblemUpdateView.as_view(),
        name="picture-problem-update",
    ),
    path(
        f"{BASE}/<int:pk>/problemomraden/<int:problem_pk>/ta-bort/",
        views.ProblemDeleteView.as_view(),
        name="picture-problem-delete",
    ),
    # Public
    path("<slug:kommun>/lagesbild/", views.PublicPictureView.as_view(), name="public-picture"),
]
