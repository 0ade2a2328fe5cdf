"""URLs of the Infobriefe (mounted at /infobriefe/), one urlconf module per area."""

from django.urls import include, path

app_name = "infobriefe"

urlpatterns = [
    path("", include("lotse.infobriefe.urlconf.archive")),
    path("", include("lotse.infobriefe.urlconf.subscriptions")),
    path("editor/", include("lotse.infobriefe.urlconf.letters")),
]
