"""Load the region data shipped in `lotse/regions/data/` (see data/ATTRIBUTION.md).

Idempotent: rows are matched by their official key and updated in place, so running it again
after a data update changes only what changed.
"""

import csv
import statistics
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _district_slug(name: str, kind: str, ags: str, taken: set[str]) -> str:
    german = name.split(",")[0]
    for umlaut, replacement in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
        ("ß", "ss"),
    ):
        german = german.replace(umlaut, replacement)
    base = slugify(german) or ags
    slug = base if base not in taken else f"{base}-{slugify(kind)}"
    if slug in taken:
        slug = f"{base}-{ags}"
    taken.add(slug)
    return slug


@transaction.atomic
def load_regions(apps: Any = None) -> dict[str, int]:
    """Create or update all states, administrative regions, districts and postcodes.

    `apps` is the historical app registry when called from a migration. Returns row counts.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    state_model = apps.get_model("regions", "State")
    region_model = apps.get_model("regions", "AdministrativeRegion")
    district_model = apps.get_model("regions", "District")
    postcode_model = apps.get_model("regions", "Postcode")

    states = {}
    for row in _rows("states.csv"):
        state, _ = state_model.objects.update_or_create(
            ags=row["ags"], defaults={"code": row["code"], "name": row["name"]}
        )
        states[row["ags"]] = state
    regions = {}
    for row in _rows("administrative_regions.csv"):
        region, _ = region_model.objects.update_or_create(
            ags=row["ags"], defaults={"name": row["name"], "state": states[row["ags"][:2]]}
        )
        regions[row["ags"]] = region

    postcode_rows = _rows("postcodes.csv")
    centres: dict[str, list[tuple[float, float]]] = {}
    for row in postcode_rows:
        centres.setdefault(row["district_ags"], []).append(
            (float(row["latitude"]), float(row["longitude"]))
        )

    existing = {d.ags: d for d in district_model.objects.all()}
    taken = {d.slug for d in existing.values()}
    districts = {}
    for row in _rows("districts.csv"):
        points = centres.get(row["ags"], [])
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "state": states[row["ags"][:2]],
            "administrative_region": regions.get(row["ags"][:3]),
            "nuts3": row["nuts3"],
            "population": int(row["population"]),
            "area_km2": Decimal(row["area_km2"]),
            "latitude": statistics.fmean(p[0] for p in points) if points else None,
            "longitude": statistics.fmean(p[1] for p in points) if points else None,
        }
        district = existing.get(row["ags"])
        if district is None:
            district = district_model(
                ags=row["ags"], slug=_district_slug(row["name"], row["kind"], row["ags"], taken)
            )
        for key, value in values.items():
            setattr(district, key, value)
        district.save()
        districts[row["ags"]] = district

    existing_postcodes = {p.code: p for p in postcode_model.objects.all()}
    new, changed = [], []
    for row in postcode_rows:
        values = {
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
            "district_id": districts[row["district_ags"]].pk,
            "approximate": row["approximate"] == "1",
        }
        postcode = existing_postcodes.get(row["postcode"])
        if postcode is None:
            new.append(postcode_model(code=row["postcode"], **values))
        elif any(getattr(postcode, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(postcode, key, value)
            changed.append(postcode)
    postcode_model.objects.bulk_create(new, batch_size=2000)
    if changed:
        postcode_model.objects.bulk_update(
            changed, ["latitude", "longitude", "district_id", "approximate"], batch_size=2000
        )
    return {
        "states": len(states),
        "administrative_regions": len(regions),
        "districts": len(districts),
        "postcodes": len(postcode_rows),
    }
