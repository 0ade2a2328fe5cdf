"""URLs of the public Infobriefe archive (under /infobriefe/)."""

from django.urls import path

from ..views import archive

urlpatterns = [
    path("", archive.archive, name="archive"),
    path("<int:pk>/", archive.archive_detail, name="archive_detail"),
    path("<int:pk>/<str:language>/", archive.archive_version, name="archive_version"),
]
