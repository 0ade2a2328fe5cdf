from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import OwnVolunteerProfileView, VolunteerViewSet

router = SimpleRouter()
router.register("volunteers", VolunteerViewSet, basename="volunteer")

urlpatterns = [
    path("me/volunteer-profile/", OwnVolunteerProfileView.as_view(), name="own-volunteer-profile"),
    *router.urls,
]
