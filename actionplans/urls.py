from django.urls import path

from actionplans import views_public

app_name = "actionplans"

urlpatterns = [
    path("oversikt/", views_public.NationalOverviewView.as_view(), name="overview"),
]
