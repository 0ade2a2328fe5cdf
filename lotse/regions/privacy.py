"""Region data is public reference data: nothing personal."""

from lotse.core.privacy import Category, Erasure, register

from .models import AdministrativeRegion, District, Postcode, State

for _model in (State, AdministrativeRegion, District, Postcode):
    register(
        _model,
        fields={f.name: Category.NON_PERSONAL for f in _model._meta.concrete_fields},
        subject_path=None,
        erasure=Erasure.NOT_APPLICABLE,
    )
