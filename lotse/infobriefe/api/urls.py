"""REST API of the Infobriefe."""

urlpatterns: list = []
