"""URL patterns of the dialog area (mounted under /dialog/, namespace `questions`)."""

from django.urls import path

from ..views import dialog as views

_QUESTION = "<int:pk>/questions/<int:question_pk>"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("speaker/<str:key>/", views.session_speaker, name="session_speaker"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("<int:pk>/cancel/", views.session_cancel_view, name="session_cancel"),
    path("<int:pk>/start/", views.session_start_view, name="session_start"),
    path("<int:pk>/end/", views.session_end_view, name="session_end"),
    path("<int:pk>/ask/", views.session_ask, name="session_ask"),
    path(f"{_QUESTION}/vote/", views.session_vote, name="session_vote"),
    path("<int:pk>/moderate/", views.session_moderate, name="session_moderate"),
    path(
        f"{_QUESTION}/approve/",
        views.session_question_approve_view,
        name="session_question_approve",
    ),
    path(
        f"{_QUESTION}/reject/", views.session_question_reject_view, name="session_question_reject"
    ),
    path(f"{_QUESTION}/merge/", views.session_question_merge_view, name="session_question_merge"),
    path(
        f"{_QUESTION}/answered/",
        views.session_question_answered_view,
        name="session_question_answered",
    ),
    path("<int:pk>/speaker-link/", views.session_speaker_link, name="session_speaker_link"),
    path("<int:pk>/live/", views.session_live, name="session_live"),
    path("<int:pk>/write-up/", views.session_write_up, name="session_write_up"),
    path(
        "<int:pk>/archive/publish/",
        views.session_archive_publish_view,
        name="session_archive_publish",
    ),
    path("<int:pk>/archive/", views.session_archive, name="session_archive"),
]
