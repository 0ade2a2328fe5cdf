"""Engagement API: matching."""

urlpatterns: list = []
