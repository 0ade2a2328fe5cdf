from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/district-suggestion/", views.district_suggestion, name="district_suggestion"),
    path("district/", views.district_list, name="district_list"),
    path("<int:pk>/", views.detail, name="detail"),
]
