"""The fixed demo logins: one per kind of user, all with the same password."""

from __future__ import annotations

from dataclasses import dataclass

# Documented in the README and printed by `make run`; only ever used for demo data.
DEMO_PASSWORD = "lotse-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    first_name: str
    last_name: str


PLATFORM_ADMIN = DemoLogin("admin@lotse.example", "Platform admin", "Jan", "Berger")
COORDINATOR_MUNICH = DemoLogin(
    "lotsin.muenchen@lotse.example",
    "Coordinator, Landeshauptstadt München (09162)",
    "Aylin",
    "Demir",
)
COORDINATOR_NUREMBERG = DemoLogin(
    "lotse.nuernberg@lotse.example", "Coordinator, Nürnberg (09564)", "Tobias", "Reinhardt"
)
STATE_EDITOR = DemoLogin("redaktion@lotse.example", "State editor, Bayern", "Claudia", "Brenner")
ORGANISATION_ADMIN = DemoLogin(
    "verein@lotse.example",
    "Organisation admin, Deutsch-Ukrainischer Verein München e.V.",
    "Olena",
    "Kowalenko",
)
VOLUNTEER = DemoLogin(
    "ehrenamt@lotse.example", "Volunteer in München (complete profile)", "Eva", "Ehrenreich"
)

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    PLATFORM_ADMIN,
    COORDINATOR_MUNICH,
    COORDINATOR_NUREMBERG,
    STATE_EDITOR,
    ORGANISATION_ADMIN,
    VOLUNTEER,
)

DEMO_ORGANISATION_NAME = "Deutsch-Ukrainischer Verein München e.V."
MUNICH_AGS = "09162"
NUREMBERG_AGS = "09564"
