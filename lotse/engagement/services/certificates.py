"""The Engagementnachweis: a certificate of a volunteer's approved hours, issued in the name of
their district's Integrationslotsinnen und -lotsen, with a public verification code.
(Owned by the Patenschaften area.)

A certificate is a snapshot: the activities and hours are copied when it is issued, so later
changes never alter a certificate already handed out. Anyone holding the code can check on the
verification page what the certificate states about its holder, and nothing more.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import logging
import os
import re
import secrets
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record
from lotse.volunteers.models import VolunteerProfile

from ..choices import HoursStatus
from ..models import Certificate, HoursEntry

# Crockford's base32: no I, L, O, U, so a code read aloud or typed from paper is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits
CODE_GROUP = 4
_CODE_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_CODE_JUNK = re.compile(r"[\s\-_.–—]+")

FONT_DIR = "vendor/kern/fonts/fira-sans"
# The faces the certificate uses (each face costs time on every PDF, so only these).
FONT_FACES = (
    ("FiraSans-Regular.woff2", 400, "normal"),
    ("FiraSans-SemiBold.woff2", 600, "normal"),
    ("FiraSans-Bold.woff2", 700, "normal"),
)


# --- codes -------------------------------------------------------------------------------------


def certificate_code_new() -> str:
    """Return a fresh code, 16 characters from `secrets`, grouped as XXXX-XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return _group(raw)


def _group(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def certificate_code_normalise(value: str) -> str | None:
    """Return the code in its stored form, or None when `value` cannot be a code.

    Case, spaces and dashes do not matter; O, I and L are read as 0, 1 and 1.
    """
    raw = _CODE_JUNK.sub("", (value or "")[:64]).upper().translate(_CODE_TYPOS)
    if len(raw) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in raw):
        return None
    return _group(raw)


def certificate_verify_url(certificate: Certificate) -> str:
    """The public address where anyone can check the certificate (printed on it as a QR code)."""
    path = reverse("engagement:certificate_verify_code", kwargs={"code": certificate.code})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# --- issuing -----------------------------------------------------------------------------------


def _activities(entries: list[HoursEntry], language: str) -> list[dict[str, Any]]:
    """Group approved entries by Patenschaft / opportunity, as printed on the certificate."""
    groups: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()
    with translation.override(language):
        for entry in entries:
            if entry.patenschaft_id is not None:
                patenschaft = entry.patenschaft
                assert patenschaft is not None
                key = ("patenschaft", patenschaft.pk)
                if key not in groups:
                    groups[key] = {
                        "kind": "patenschaft",
                        "title": _("Patenschaft (%(topic)s)")
                        % {"topic": patenschaft.request.get_topic_display()},
                        "organisation": "",
                        "start": patenschaft.started_on,
                        "end": patenschaft.ended_on,
                        "hours": Decimal(0),
                    }
            else:
                opportunity = entry.opportunity
                assert opportunity is not None
                key = ("opportunity", opportunity.pk)
                if key not in groups:
                    groups[key] = {
                        "kind": "opportunity",
                        "title": opportunity.title,
                        "organisation": opportunity.organisation.name,
                        "start": entry.date,
                        "end": entry.date,
                        "hours": Decimal(0),
                    }
                group = groups[key]
                group["start"] = min(group["start"], entry.date)
                group["end"] = max(group["end"], entry.date)
            groups[key]["hours"] += entry.hours
    ordered = sorted(groups.values(), key=lambda row: (row["start"], row["title"]))
    return [
        {
            "kind": row["kind"],
            "title": row["title"],
            "organisation": row["organisation"],
            "start": row["start"].isoformat(),
            "end": row["end"].isoformat() if row["end"] else None,
            "hours": str(row["hours"].quantize(Decimal("0.01"))),
        }
        for row in ordered
    ]


def _first_day(rows: list[HoursEntry]) -> datetime.date:
    """Where a certificate's period starts by default: the first approved hours, or the start
    of a Patenschaft they belong to, whichever is earlier."""
    days = [row.date for row in rows]
    days += [row.patenschaft.started_on for row in rows if row.patenschaft is not None]
    return min(days)


def _check_language(errors: dict[str, list[str]], language: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        errors.setdefault("language", []).append(_("Please choose a language from the list."))
    return language


def certificate_issue(
    *,
    actor: Any,
    volunteer: VolunteerProfile,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    language: str | None = None,
    via: str = "web",
) -> Certificate:
    """Issue an Engagementnachweis of the volunteer's approved hours in a period.

    Without `period_start` the period starts with the first approved hours (or the start of
    their Patenschaft, if earlier); without
    `period_end` it ends today. The certificate is issued in the name of the volunteer's
    district, in `language` (default: the volunteer's language). Only the volunteer may issue
    their certificate (PermissionDenied otherwise); a period without approved hours, a period
    ending in the future or starting after its end raise ValidationError (nothing is saved).
    Side effect: audit `engagement.certificate.issued`.
    """
    user = volunteer.user
    if not getattr(actor, "is_authenticated", False) or actor.pk != volunteer.user_id:
        raise PermissionDenied
    today = timezone.localdate()
    period_end = period_end or today
    language = language or user.preferred_language or settings.LANGUAGE_CODE
    errors: dict[str, list[str]] = {}
    _check_language(errors, language)
    if period_end > today:
        errors.setdefault("period_end", []).append(_("The period cannot end in the future."))
    if period_start and period_start > period_end:
        errors.setdefault("period_start", []).append(_("The period cannot start after it ends."))
    holder_name = user.get_full_name()
    if not holder_name:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Please enter your first and last name in your profile first.")
        )
    if errors:
        raise ValidationError(errors)
    entries = HoursEntry.objects.filter(
        volunteer_id=volunteer.pk, status=HoursStatus.APPROVED, date__lte=period_end
    )
    if period_start:
        entries = entries.filter(date__gte=period_start)
    rows = list(
        entries.select_related("patenschaft__request", "opportunity__organisation").order_by(
            "date", "pk"
        )
    )
    if not rows:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "There are no approved hours in this period yet. A certificate lists "
                        "only hours your coordinator or organisation has approved."
                    )
                ]
            }
        )
    with transaction.atomic():
        code = certificate_code_new()
        while Certificate.objects.filter(code=code).exists():  # pragma: no cover - 80 bits
            code = certificate_code_new()
        certificate = Certificate(
            volunteer=volunteer,
            district_id=volunteer.district_id,
            code=code,
            holder_name=holder_name[:201],
            period_start=period_start or _first_day(rows),
            period_end=period_end,
            total_hours=sum((row.hours for row in rows), Decimal(0)),
            activities=_activities(rows, language),
            language=language,
        )
        certificate.full_clean()
        certificate.save()
        audit_record(
            actor=actor,
            action="engagement.certificate.issued",
            obj=certificate,
            subject=user,
            changed_fields=["code", "holder_name", "period_start", "period_end", "total_hours"],
            via=via,
        )
    return certificate


def certificate_revoke(*, actor: Any, certificate: Certificate, via: str = "web") -> Certificate:
    """Revoke an own certificate: its code no longer verifies (PermissionDenied for others,
    ValidationError when already revoked). Side effect: audit `engagement.certificate.revoked`."""
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("volunteer")
            .get(pk=certificate.pk)
        )
        if not getattr(actor, "is_authenticated", False) or locked.volunteer.user_id != actor.pk:
            raise PermissionDenied
        if locked.revoked_at is not None:
            raise ValidationError({NON_FIELD_ERRORS: [_("This certificate is already revoked.")]})
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="engagement.certificate.revoked",
            obj=locked,
            subject=actor,
            changed_fields=["revoked_at"],
            via=via,
        )
    certificate.revoked_at = locked.revoked_at
    return locked


# --- the PDF -----------------------------------------------------------------------------------


# What the certificate prints: Latin (with every European extension), Greek, Cyrillic,
# combining marks, punctuation, currency and arrows. Other scripts (Arabic, Persian) fall back
# to the system's fonts.
PRINTED_UNICODE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x300, 0x36F),
    (0x370, 0x3FF),
    (0x400, 0x52F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
)
_FONT_CACHE_VERSION = "1"


def _as_ttf(source: Path) -> Path:
    """A TrueType copy of a shipped WOFF2 face, cut down to the printed characters, made once
    and kept in var/cache/fonts.

    WeasyPrint reads the WOFF2 file too, but then decompresses and subsets the whole face on
    every PDF (several seconds); the small TrueType copy keeps a certificate at about a second.
    Falls back to the WOFF2 file when the cache cannot be written.
    """
    data = source.read_bytes()
    digest = hashlib.sha256(data + _FONT_CACHE_VERSION.encode()).hexdigest()[:16]
    cache_dir = Path(getattr(settings, "VAR_DIR", settings.BASE_DIR / "var")) / "cache" / "fonts"
    target = cache_dir / f"{source.stem}-{digest}.ttf"
    if target.exists():
        return target
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        cache_dir.mkdir(parents=True, exist_ok=True)
        font = TTFont(io.BytesIO(data))
        options = subset.Options()
        options.layout_features = ["kern", "liga", "ccmp", "locl", "mark", "mkmk"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(
            unicodes=[code for low, high in PRINTED_UNICODE_RANGES for code in range(low, high + 1)]
        )
        subsetter.subset(font)
        font.flavor = None
        if "OS/2" in font and font["OS/2"].version < 4:
            font["OS/2"].version = 4  # the fsSelection bits the font uses are defined from v4
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        font.save(partial)
        os.replace(partial, target)
    except (OSError, ImportError, ValueError):  # pragma: no cover - read-only installation
        return source
    return target


@functools.cache
def _font_faces() -> tuple[dict[str, Any], ...]:
    """The shipped Fira Sans faces as file:// URLs (the PDF never loads anything remote)."""
    faces = []
    for filename, weight, style in FONT_FACES:
        found = finders.find(f"{FONT_DIR}/{filename}")
        if not isinstance(found, str) or not Path(found).exists():
            continue
        path = _as_ttf(Path(found).resolve())
        faces.append({"url": path.as_uri(), "weight": weight, "style": style})
    return tuple(faces)


def _qr_svg(url: str, title: str) -> SafeString:
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=3, border=0, title=title)
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own URL


def _printed_activities(certificate: Certificate) -> list[dict[str, Any]]:
    rows = []
    for row in certificate.activities or []:
        rows.append(
            {
                **row,
                "start": datetime.date.fromisoformat(row["start"]) if row.get("start") else None,
                "end": datetime.date.fromisoformat(row["end"]) if row.get("end") else None,
                "hours": Decimal(str(row.get("hours", "0"))),
            }
        )
    return rows


def certificate_html(*, certificate: Certificate) -> str:
    """The certificate as HTML for the PDF, in the certificate's language."""
    url = certificate_verify_url(certificate)
    with translation.override(certificate.language):
        return render_to_string(
            "engagement/certificates/certificate_pdf.html",
            {
                "certificate": certificate,
                "district": certificate.district,
                "activities": _printed_activities(certificate),
                "verify_url": url,
                "qr_svg": _qr_svg(url, _("Verification address of this certificate")),
                "rtl": translation.get_language_bidi(),
                "language": certificate.language,
            },
        )


def certificate_css() -> str:
    """The print stylesheet of the certificate, with the shipped fonts."""
    return render_to_string(
        "engagement/certificates/certificate_pdf.css", {"font_faces": _font_faces()}
    )


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """Render the certificate as a PDF (WeasyPrint); local files only, never the network."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    # WeasyPrint and fontTools report every step at INFO; only problems are of interest.
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)

    base = finders.find(FONT_DIR)
    base_url = Path(base if isinstance(base, str) else settings.BASE_DIR).resolve().as_uri() + "/"
    fetcher = URLFetcher(allowed_protocols=["file", "data"])
    font_config = FontConfiguration()
    stylesheet = CSS(
        string=certificate_css(), base_url=base_url, url_fetcher=fetcher, font_config=font_config
    )
    document = HTML(
        string=certificate_html(certificate=certificate), base_url=base_url, url_fetcher=fetcher
    )
    pdf = document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
    assert isinstance(pdf, bytes)
    return pdf


def certificate_download(*, actor: Any, certificate: Certificate, via: str = "web") -> bytes:
    """Return the PDF of an own certificate and record the download in the audit trail."""
    if not getattr(actor, "is_authenticated", False) or certificate.volunteer.user_id != actor.pk:
        raise PermissionDenied
    pdf = certificate_pdf(certificate=certificate)
    audit_record(
        actor=actor,
        action="engagement.certificate.downloaded",
        obj=certificate,
        subject=actor,
        via=via,
    )
    return pdf
