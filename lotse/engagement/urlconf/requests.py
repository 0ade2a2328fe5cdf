"""requests: URL patterns (owned by the requests area)."""

urlpatterns: list = []
