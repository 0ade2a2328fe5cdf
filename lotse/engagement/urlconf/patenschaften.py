"""patenschaften: URL patterns (owned by the patenschaften area): Patenschaften, hours,
Engagementnachweis."""

from django.urls import path

from ..views import certificates, hours, patenschaften

urlpatterns = [
    path("patenschaften/", patenschaften.patenschaft_list, name="patenschaft_list"),
    path(
        "patenschaften/district/",
        patenschaften.patenschaft_district_list,
        name="patenschaft_district_list",
    ),
    path("patenschaften/<int:pk>/", patenschaften.patenschaft_detail, name="patenschaft_detail"),
    path(
        "patenschaften/<int:pk>/check-in/",
        patenschaften.patenschaft_check_in_view,
        name="patenschaft_check_in",
    ),
    path(
        "patenschaften/<int:pk>/end/",
        patenschaften.patenschaft_end_view,
        name="patenschaft_end",
    ),
    path("hours/", hours.hours_list, name="hours_list"),
    path("hours/review/", hours.hours_review, name="hours_review"),
    path("hours/<int:pk>/reject/", hours.hours_reject_view, name="hours_reject"),
    path("hours/<int:pk>/delete/", hours.hours_delete_view, name="hours_delete"),
    path("certificates/", certificates.certificate_list, name="certificate_list"),
    path("certificates/verify/", certificates.certificate_verify, name="certificate_verify"),
    path(
        "certificates/verify/<str:code>/",
        certificates.certificate_verify_code,
        name="certificate_verify_code",
    ),
    path("certificates/<int:pk>/pdf/", certificates.certificate_pdf_view, name="certificate_pdf"),
    path(
        "certificates/<int:pk>/revoke/",
        certificates.certificate_revoke_view,
        name="certificate_revoke",
    ),
]
