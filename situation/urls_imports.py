# Filled in by the imports part of the situation picture.
urlpatterns = []
