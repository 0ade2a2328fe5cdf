from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lotse.api_urls import api_patterns

# The admin site is reached only through Lotse's own login (throttled, second factor enforced by
# StaffTwoFactorMiddleware for every path outside /accounts/).

urlpatterns = [
    path("", include("lotse.core.urls")),
    path("accounts/", include("lotse.accounts.urls")),
    path("regions/", include("lotse.regions.urls")),
    path("organisations/", include("lotse.organisations.urls")),
    path("volunteers/", include("lotse.volunteers.urls")),
    path("engagement/", include("lotse.engagement.urls")),
    path("notifications/", include("lotse.notifications.urls")),
    path("", include("lotse.questions.urls")),
    path("infobriefe/", include("lotse.infobriefe.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_patterns, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
