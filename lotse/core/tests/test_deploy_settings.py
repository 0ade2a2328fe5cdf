"""Production settings pass Django's deployment checks and refuse unsafe configuration."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOTSE_"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "lotse.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="lotse.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_weak_secret_key(tmp_path):
    result = run_manage(
        "check",
        SECRET_KEY="short",
        ALLOWED_HOSTS="lotse.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_enforce_two_factor_even_if_the_environment_disables_it(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.LOTSE_REQUIRE_2FA, settings.DEBUG)",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="lotse.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        LOTSE_REQUIRE_2FA="false",
        DEBUG="true",
    )
    assert result.stdout.strip().splitlines()[-1] == "True False", result.stderr
