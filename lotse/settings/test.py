"""Settings for the test suite (SQLite by default, PostgreSQL when DATABASE_URL is set)."""

import os

os.environ.setdefault("TASK_BACKEND", "immediate")
os.environ.setdefault("LOTSE_REQUIRE_2FA", "true")

from .base import *

SECRET_KEY = "test-secret-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
AXES_FAILURE_LIMIT = 5
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Templates used only by tests (e.g. a notification about nothing in particular).
TEMPLATES[0]["DIRS"] = [BASE_DIR / "lotse" / "tests_support" / "templates"]
