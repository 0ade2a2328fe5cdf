"""URL patterns of "Ask your Lotse" (mounted under /questions/, namespace `questions`)."""

from django.urls import path

from ..views import ask

urlpatterns = [
    # Volunteers.
    path("ask/", ask.question_create, name="question_create"),
    path("mine/", ask.question_mine, name="question_mine"),
    # The team: district coordinators, state editors for forwarded questions.
    path("queue/", ask.question_queue_view, name="question_queue"),
    # The asker and the team.
    path("<int:pk>/", ask.question_detail, name="question_detail"),
    path("<int:pk>/reply/", ask.question_reply, name="question_reply"),
    path("<int:pk>/close/", ask.question_close, name="question_close"),
    path("<int:pk>/take/", ask.question_take, name="question_take"),
    path("<int:pk>/take-over/", ask.question_take_over, name="question_take_over"),
    path("<int:pk>/release/", ask.question_release, name="question_release"),
    path("<int:pk>/answer/", ask.question_answer, name="question_answer"),
    path("<int:pk>/forward/", ask.question_forward, name="question_forward"),
]
