"""URLs of the questions module; each area keeps its patterns in `urlconf/<area>.py`.

- `/questions/…` ask your Lotse (volunteers) and the team's queue (coordinators, state editors)
- `/knowledge/…` the public knowledge base and its editing
- `/dialog/…` Dialog digital sessions, moderation, live view and archive
"""

from django.urls import include, path

app_name = "questions"

urlpatterns = [
    path("questions/", include("lotse.questions.urlconf.ask")),
    path("knowledge/", include("lotse.questions.urlconf.knowledge")),
    path("dialog/", include("lotse.questions.urlconf.dialog")),
]
