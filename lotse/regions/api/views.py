from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from lotse.regions.models import District

from .serializers import DistrictSerializer


class DistrictViewSet(viewsets.ReadOnlyModelViewSet[District]):
    """Public list of all German districts."""

    permission_classes = [AllowAny]
    serializer_class = DistrictSerializer
    lookup_field = "ags"
    queryset = District.objects.select_related("state", "administrative_region").order_by("ags")
