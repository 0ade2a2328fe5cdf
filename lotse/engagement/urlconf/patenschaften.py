"""patenschaften: URL patterns (owned by the patenschaften area)."""

urlpatterns: list = []
