"""URLs of the Infobriefe archive."""

urlpatterns: list = []
