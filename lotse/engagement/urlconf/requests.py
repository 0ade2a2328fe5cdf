"""requests: URL patterns of help requests and the proposal workflow (owned by the requests
area)."""

from django.urls import path

from ..views import proposals, requests

urlpatterns = [
    # The newcomer (public, no account).
    path("help/", requests.request_public_create, name="request_public_create"),
    path("help/thanks/", requests.request_thanks, name="request_thanks"),
    path("request-status/<str:key>/", requests.request_status, name="request_status"),
    # Coordinators and organisation members on a newcomer's behalf.
    path("requests/new/", requests.request_create, name="request_create"),
    path("requests/new/done/", requests.request_handover, name="request_handover"),
    # Coordinators of the request's district.
    path("requests/", requests.request_list, name="request_list"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path(
        "requests/<int:pk>/interpreter/", requests.request_interpreter, name="request_interpreter"
    ),
    path("requests/<int:pk>/close/", requests.request_close, name="request_close"),
    path("requests/<int:pk>/delete/", requests.request_delete, name="request_delete"),
    path("requests/<int:pk>/match/", requests.request_match, name="request_match"),
    path("proposals/<int:pk>/send/", proposals.proposal_send, name="proposal_send"),
    path("proposals/<int:pk>/reject/", proposals.proposal_reject, name="proposal_reject"),
    path(
        "proposals/<int:pk>/newcomer-answer/",
        proposals.proposal_newcomer_answer,
        name="proposal_newcomer_answer",
    ),
    # The volunteer a proposal was sent to.
    path("proposals/", proposals.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/accept/", proposals.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", proposals.proposal_decline, name="proposal_decline"),
]
