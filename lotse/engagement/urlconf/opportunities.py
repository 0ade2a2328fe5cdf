"""opportunities: URL patterns (owned by the opportunities area)."""

from django.urls import path

from ..views import opportunities as views

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", views.opportunity_create_view, name="opportunity_create"),
    path("opportunities/mine/", views.opportunity_mine, name="opportunity_mine"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/close/", views.opportunity_close_view, name="opportunity_close"),
    path("opportunities/<int:pk>/apply/", views.opportunity_apply, name="opportunity_apply"),
    path(
        "opportunities/<int:pk>/applications/",
        views.opportunity_applications,
        name="opportunity_applications",
    ),
    path("applications/", views.application_list_mine, name="application_list_mine"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw_view,
        name="application_withdraw",
    ),
]
