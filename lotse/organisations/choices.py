from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MIGRANT_ORGANISATION = "migrant_organisation", _("Migrant organisation")
    VOLUNTEER_AGENCY = "volunteer_agency", _("Volunteer agency / volunteer centre")
    KOBE = "kobe", _("Coordination centre for civic engagement (KoBE)")
    IMMIGRATION_OFFICE = "immigration_office", _("Immigration office (Ausländerbehörde)")
    ADVISORY_COUNCIL = "advisory_council", _("Advisory council for migration and integration")
    WELFARE_ASSOCIATION = "welfare_association", _("Welfare association / provider")
    MUNICIPALITY = "municipality", _("Municipality")
    JOB_CENTRE = "job_centre", _("Job centre")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ADMIN = "admin", _("Administrator")
