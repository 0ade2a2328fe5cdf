"""opportunities: URL patterns (owned by the opportunities area)."""

urlpatterns: list = []
