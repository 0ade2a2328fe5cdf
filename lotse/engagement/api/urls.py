"""API routes of the engagement module (one module per area)."""

from django.urls import include, path

urlpatterns = [
    path("", include("lotse.engagement.api.opportunities")),
    path("", include("lotse.engagement.api.requests")),
    path("", include("lotse.engagement.api.matching")),
    path("", include("lotse.engagement.api.patenschaften")),
]
