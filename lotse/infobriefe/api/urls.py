"""REST API of the Infobriefe (under /api/v1/, namespace `api`).

- `infobriefe/archive/` (`api:infobrief-archive-list`), `infobriefe/archive/<id>/`
  (`api:infobrief-archive-detail`): the public archive of sent Infobriefe.
- `infobriefe/` (`api:infobrief-list`): the caller's Infobriefe (GET), a new draft (POST).
- `infobriefe/<id>/` (`api:infobrief-detail`): one with texts, recipients, progress and figures
  (GET); its settings (PATCH).
- `infobriefe/<id>/versions/<language>/` (`api:infobrief-version`): its text in a language
  (GET, PUT, DELETE).
"""

from django.urls import path

from . import views

urlpatterns = [
    path("infobriefe/archive/", views.ArchiveListView.as_view(), name="infobrief-archive-list"),
    path(
        "infobriefe/archive/<int:pk>/",
        views.ArchiveDetailView.as_view(),
        name="infobrief-archive-detail",
    ),
    path("infobriefe/", views.InfobriefListView.as_view(), name="infobrief-list"),
    path("infobriefe/<int:pk>/", views.InfobriefDetailView.as_view(), name="infobrief-detail"),
    path(
        "infobriefe/<int:pk>/versions/<str:language>/",
        views.InfobriefVersionView.as_view(),
        name="infobrief-version",
    ),
]
