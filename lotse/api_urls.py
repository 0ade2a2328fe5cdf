"""The REST API (v1): every module contributes its routes here."""

from django.urls import include, path

api_patterns = [
    path("", include("lotse.regions.api.urls")),
    path("", include("lotse.organisations.api.urls")),
    path("", include("lotse.volunteers.api.urls")),
    path("", include("lotse.engagement.api.urls")),
    path("", include("lotse.questions.api.urls")),
    path("", include("lotse.infobriefe.api.urls")),
]
