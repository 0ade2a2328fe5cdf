"""matching: URL patterns (owned by the matching area)."""

urlpatterns: list = []
