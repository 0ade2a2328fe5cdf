from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("districts/", views.district_list, name="district_list"),
    path("districts/<slug:slug>/", views.district_detail, name="district_detail"),
    path("postcode-lookup/", views.postcode_lookup, name="postcode_lookup"),
]
