"""URL patterns of the dialog area."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
