from django.urls import include, path

from actionplans import views, views_public

app_name = "actionplans"

STAFF = "hantera/<slug:kommun>/atgardsplaner"

urlpatterns = [
    path("oversikt/", views_public.NationalOverviewView.as_view(), name="overview"),
    path(f"{STAFF}/", views.PlanListView.as_view(), name="plan-list"),
    path(f"{STAFF}/ny/", views.PlanStartView.as_view(), name="plan-start"),
    path(f"{STAFF}/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path(f"{STAFF}/<int:pk>/andra/", views.PlanUpdateView.as_view(), name="plan-update"),
    path(f"{STAFF}/<int:pk>/anta/", views.PlanAdoptView.as_view(), name="plan-adopt"),
    path(f"{STAFF}/<int:pk>/nasta/", views.PlanCopyView.as_view(), name="plan-copy"),
    path(f"{STAFF}/<int:pk>/plan.pdf", views.PlanPdfView.as_view(), name="plan-pdf"),
    path(f"{STAFF}/<int:pk>/problemomraden/ny/", views.ProblemAreaCreateView.as_view(), name="area-create"),
    path(f"{STAFF}/problemomraden/<int:pk>/andra/", views.ProblemAreaUpdateView.as_view(), name="area-update"),
    path(f"{STAFF}/problemomraden/<int:pk>/mal/ny/", views.GoalCreateView.as_view(), name="goal-create"),
    path(f"{STAFF}/mal/<int:pk>/andra/", views.GoalUpdateView.as_view(), name="goal-update"),
    path(f"{STAFF}/problemomraden/<int:pk>/atgarder/ny/", views.MeasureCreateView.as_view(), name="measure-create"),
    path(f"{STAFF}/atgarder/<int:pk>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path(f"{STAFF}/atgarder/<int:pk>/andra/", views.MeasureUpdateView.as_view(), name="measure-update"),
    path("", include("actionplans.urls_more")),
]
