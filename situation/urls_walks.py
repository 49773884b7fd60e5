# Filled in by the walks part of the situation picture.
urlpatterns = []
