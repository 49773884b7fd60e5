# Filled in by the picture part of the situation picture.
urlpatterns = []
