from lotse.core.privacy import Category, Erasure, register

from .models import Membership, Organisation, OrganisationLanguage, OrganisationTopic

N, P = Category.NON_PERSONAL, Category.PERSONAL

# The public contact of an organisation may name a person; it is published by the organisation
# and belongs to it, not to a user account.
register(
    Organisation,
    fields={
        "id": N,
        "created_at": N,
        "updated_at": N,
        "name": N,
        "slug": N,
        "kind": N,
        "description": N,
        "website": N,
        "contact_name": P,
        "contact_email": P,
        "contact_phone": P,
        "street": N,
        "postcode": N,
        "city": N,
        "is_published": N,
    },
    subject_path=None,
    erasure=Erasure.NOT_APPLICABLE,
)
for _model in (OrganisationTopic, OrganisationLanguage):
    register(
        _model,
        fields={f.name: N for f in _model._meta.concrete_fields},
        subject_path=None,
        erasure=Erasure.NOT_APPLICABLE,
    )
register(
    Membership,
    fields={
        "id": N,
        "created_at": N,
        "updated_at": N,
        "user": P,
        "organisation": P,
        "role": P,
    },
    subject_path="user",
    erasure=Erasure.DELETE,
    erasure_order=20,
)
