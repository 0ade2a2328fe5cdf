"""URLs of the Infobriefe letters."""

urlpatterns: list = []
