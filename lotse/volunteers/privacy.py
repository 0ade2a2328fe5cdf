from lotse.core.privacy import Category, Erasure, register

from .models import VolunteerLanguage, VolunteerProfile, VolunteerRoleChoice, VolunteerTopic

N, P = Category.NON_PERSONAL, Category.PERSONAL

register(
    VolunteerProfile,
    fields={
        "id": N,
        "created_at": P,
        "updated_at": P,
        "user": P,
        "postcode": P,
        "travel_radius_km": P,
        "max_patenschaften": P,
        "district": P,
        "skills": P,
        "availability": P,
        "status": P,
    },
    subject_path="user",
    erasure=Erasure.DELETE,
    erasure_order=30,
)
register(
    VolunteerLanguage,
    fields={"id": N, "volunteer": P, "language": P, "level": P},
    subject_path="volunteer__user",
    erasure=Erasure.DELETE,
    erasure_order=25,
)
register(
    VolunteerTopic,
    fields={"id": N, "volunteer": P, "topic": P},
    subject_path="volunteer__user",
    erasure=Erasure.DELETE,
    erasure_order=25,
)
register(
    VolunteerRoleChoice,
    fields={"id": N, "volunteer": P, "role": P},
    subject_path="volunteer__user",
    erasure=Erasure.DELETE,
    erasure_order=25,
)
