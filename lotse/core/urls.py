from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy_notice, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("barrierefreiheit/feedback/", views.accessibility_feedback, name="accessibility_feedback"),
    path("dev/outbox/", views.outbox, name="outbox"),
    path("dev/outbox/<str:name>/", views.outbox_detail, name="outbox_detail"),
    path("healthz/", views.health, name="health"),
]
