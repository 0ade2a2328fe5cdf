from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Organisation


def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/directory.html", {"organisations": Organisation.objects.filter(is_published=True)[:50]})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug, is_published=True)
    return render(request, "organisations/detail.html", {"organisation": organisation})
