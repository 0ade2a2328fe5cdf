"""Settings for `make run`: the local demo on SQLite, mails in var/outbox."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOTSE_DEMO_MODE", "true")
# The demo relaxes two-factor login for staff roles; the login page says so.
os.environ.setdefault("LOTSE_REQUIRE_2FA", "false")

from .base import *

if not SECRET_KEY:  # type: ignore[used-before-def]
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
