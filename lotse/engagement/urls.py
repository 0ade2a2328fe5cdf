"""URLs of the engagement module; each area keeps its patterns in `urlconf/<area>.py`."""

from django.urls import include, path

app_name = "engagement"

urlpatterns = [
    path("", include("lotse.engagement.urlconf.opportunities")),
    path("", include("lotse.engagement.urlconf.requests")),
    path("", include("lotse.engagement.urlconf.matching")),
    path("", include("lotse.engagement.urlconf.patenschaften")),
]
