"""Engagement API: requests."""

urlpatterns: list = []
