from lotse.core.privacy import Category, Erasure, register

from .models import Consent, RoleAssignment, User

N, P, S = Category.NON_PERSONAL, Category.PERSONAL, Category.SECRET

register(
    User,
    fields={
        "id": N,
        "password": S,
        "last_login": P,
        "is_superuser": N,
        "email": P,
        "first_name": P,
        "last_name": P,
        "preferred_language": P,
        "is_active": N,
        "is_staff": N,
        "date_joined": P,
        "email_confirmed_at": P,
    },
    subject_path="",
    erasure=Erasure.DELETE,
    erasure_order=100,
)
register(
    RoleAssignment,
    fields={
        "id": N,
        "user": P,
        "role": P,
        "district": N,
        "state": N,
        "created_at": N,
        "created_by": P,
    },
    subject_path="user",
    erasure=Erasure.DELETE,
    erasure_order=20,
)
# Evidence of consent stays, without the person: the link to the user is cut.
register(
    Consent,
    fields={
        "id": N,
        "user": P,
        "kind": N,
        "version": N,
        "given_at": N,
        "withdrawn_at": N,
        "language": N,
    },
    subject_path="user",
    erasure=Erasure.ANONYMISE,
    erasure_order=20,
)
