from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import District
from .selectors import district_list as select_districts
from .selectors import postcode_get, state_list


@require_GET
def district_list(request: HttpRequest) -> HttpResponse:
    """Public list of districts, filterable by Land and name."""
    state_code = request.GET.get("state", "")[:2]
    search = request.GET.get("q", "")[:100]
    page = Paginator(select_districts(state_code=state_code, search=search), 50).get_page(
        request.GET.get("page")
    )
    context = {"page_obj": page, "states": state_list(), "state_code": state_code, "search": search}
    if request.headers.get("HX-Request"):
        return render(request, "regions/district_list.html#results", context)
    return render(request, "regions/district_list.html", context)


@require_GET
def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(
        District.objects.select_related("state", "administrative_region"), slug=slug
    )
    organisations = district.organisations.filter(is_published=True).order_by("name")[:100]
    return render(
        request,
        "regions/district_detail.html",
        {"district": district, "organisations": organisations},
    )


@require_GET
def postcode_lookup(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the district a postcode lies in (used by profile forms)."""
    postcode = postcode_get(code=request.GET.get("postcode", ""))
    return render(request, "regions/postcode_lookup.html", {"postcode": postcode})
