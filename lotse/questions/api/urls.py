"""API routes of the questions module (one module per area)."""

from django.urls import include, path

urlpatterns = [
    path("", include("lotse.questions.api.ask")),
    path("", include("lotse.questions.api.knowledge")),
    path("", include("lotse.questions.api.dialog")),
]
