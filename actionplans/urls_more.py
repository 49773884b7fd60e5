# Public plan pages, version comparison, history and CSV: filled in by their part.
urlpatterns = []
