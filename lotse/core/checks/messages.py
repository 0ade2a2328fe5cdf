"""Check the translations: every catalogue complete, nothing fuzzy, every .mo up to date.

Run by `make lint` (python -m lotse.core.checks.messages). German is the first language of
the product; the other languages must be complete too, so no screen falls back to English.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("de", "uk", "ar", "fa", "tr", "ru", "en")


def problems() -> list[str]:
    found: list[str] = []
    for app_dir in sorted(p for p in ROOT.iterdir() if (p / "apps.py").exists()):
        locale = app_dir / "locale"
        if not locale.exists():
            continue
        for language in LANGUAGES:
            po_path = locale / language / "LC_MESSAGES" / "django.po"
            mo_path = po_path.with_suffix(".mo")
            if not po_path.exists():
                found.append(f"{po_path}: missing")
                continue
            catalogue = polib.pofile(str(po_path))
            if language != "en":
                for entry in catalogue:
                    if entry.obsolete:
                        continue
                    if "fuzzy" in entry.flags:
                        found.append(f"{po_path}: fuzzy: {entry.msgid[:60]!r}")
                    elif not entry.translated():
                        found.append(f"{po_path}: untranslated: {entry.msgid[:60]!r}")
            if not mo_path.exists():
                found.append(f"{mo_path}: missing, run make messages")
                continue
            compiled = {
                (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in polib.mofile(str(mo_path))
            }
            source = {
                (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in catalogue.translated_entries()
            }
            if compiled != source:
                found.append(f"{mo_path}: out of date, run make messages")
    return found


if __name__ == "__main__":
    issues = problems()
    for issue in issues:
        print(issue)  # noqa: T201
    sys.exit(1 if issues else 0)
