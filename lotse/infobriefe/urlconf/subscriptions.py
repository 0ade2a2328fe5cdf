"""URLs of the Infobriefe subscriptions (under /infobriefe/, namespace `infobriefe`)."""

from django.urls import path

from ..views import subscriptions

urlpatterns = [
    # Public: the form, "check your mail", the confirmation link, "send me my link".
    path("subscribe/", subscriptions.subscribe, name="subscribe"),
    path("subscribe/check-your-mail/", subscriptions.subscribe_sent, name="subscribe_sent"),
    path("confirm/<str:token>/", subscriptions.confirm, name="confirm"),
    path("link/", subscriptions.request_link, name="request_link"),
    # Registered volunteers: one click (POST).
    path("subscribe/account/", subscriptions.subscribe_account, name="subscribe_account"),
    # The signed links of every mail.
    path("manage/<str:token>/", subscriptions.manage, name="manage"),
    path("unsubscribe/<str:token>/", subscriptions.unsubscribe, name="unsubscribe"),
]
