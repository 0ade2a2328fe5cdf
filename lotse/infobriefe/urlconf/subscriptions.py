"""URLs of the Infobriefe subscriptions."""

urlpatterns: list = []
