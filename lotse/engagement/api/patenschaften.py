"""Engagement API: patenschaften."""

urlpatterns: list = []
