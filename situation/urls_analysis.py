# Filled in by the analysis part of the situation picture.
urlpatterns = []
