from rest_framework import serializers

from lotse.regions.models import District


class DistrictSerializer(serializers.ModelSerializer[District]):
    state = serializers.CharField(source="state.code")
    administrative_region = serializers.CharField(
        source="administrative_region.name", allow_null=True, default=None
    )

    class Meta:
        model = District
        fields = ["ags", "name", "slug", "kind", "state", "administrative_region", "population"]
