"""URL patterns of the knowledge area (mounted under /knowledge/, namespace `questions`)."""

from django.urls import path

from ..views import knowledge as views

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("similar/", views.entry_similar, name="entry_similar"),
    path("manage/", views.entry_manage, name="entry_manage"),
    path("new/", views.entry_create_view, name="entry_create"),
    path("from-question/<int:pk>/", views.entry_from_question, name="entry_from_question"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
    path("<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<int:pk>/translate/", views.entry_translate, name="entry_translate"),
    path("<int:pk>/publish/", views.entry_publish_view, name="entry_publish"),
    path("<int:pk>/withdraw/", views.entry_withdraw_view, name="entry_withdraw"),
]
