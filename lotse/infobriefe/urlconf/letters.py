"""URLs of the Infobriefe letters (the editors), mounted at /infobriefe/editor/."""

from django.urls import path

from ..views import letters

urlpatterns = [
    path("", letters.editor_list, name="editor_list"),
    path("new/", letters.editor_create, name="editor_create"),
    path("preview/", letters.editor_preview, name="editor_preview"),
    path("<int:pk>/", letters.editor_detail, name="editor_detail"),
    path("<int:pk>/settings/", letters.editor_settings, name="editor_settings"),
    path("<int:pk>/text/<str:language>/", letters.editor_version, name="editor_version"),
    path(
        "<int:pk>/text/<str:language>/delete/",
        letters.editor_version_delete,
        name="editor_version_delete",
    ),
    path("<int:pk>/test/", letters.editor_test, name="editor_test"),
    path("<int:pk>/send/", letters.editor_send, name="editor_send"),
    path("<int:pk>/unschedule/", letters.editor_unschedule, name="editor_unschedule"),
    path("<int:pk>/pause/", letters.editor_pause, name="editor_pause"),
    path("<int:pk>/resume/", letters.editor_resume, name="editor_resume"),
    path("<int:pk>/progress/", letters.editor_progress, name="editor_progress"),
    path("<int:pk>/delete/", letters.editor_delete, name="editor_delete"),
]
