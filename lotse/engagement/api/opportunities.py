"""Engagement API: opportunities."""

urlpatterns: list = []
