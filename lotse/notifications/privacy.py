from lotse.core.privacy import Category, Erasure, register

from .models import Notification

N, P = Category.NON_PERSONAL, Category.PERSONAL

register(
    Notification,
    fields={
        "id": N,
        "user": P,
        "kind": P,
        "title": P,
        "body": P,
        "url": P,
        "created_at": P,
        "read_at": P,
    },
    subject_path="user",
    erasure=Erasure.DELETE,
    erasure_order=10,
)
