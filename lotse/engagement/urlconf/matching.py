"""matching: URL patterns (owned by the matching area)."""

from django.urls import path

from ..views import matching as views

urlpatterns = [
    path("matching/", views.matching_overview, name="matching_overview"),
    path("matching/runs/<int:pk>/", views.matching_run_detail, name="matching_run_detail"),
]
