"""Settings shared by every environment.

Everything that differs between a developer's laptop and a Land-wide deployment comes from the
environment (12-factor); see docs/architecture.md#configuration for the full list.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used in e-mails (confirmation links etc.).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "lotse.core",
    "lotse.regions",
    "lotse.accounts",
    "lotse.organisations",
    "lotse.volunteers",
    "lotse.notifications",
    "lotse.engagement",
    "lotse.questions",
    "lotse.infobriefe",
    "lotse.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lotse.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lotse.urls"
WSGI_APPLICATION = "lotse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lotse.core.context_processors.site",
                "lotse.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes; a busy timeout avoids
    # "database is locked" under the small concurrency of a one-machine installation.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Two-factor login for every staff role (coordinator, organisation admin, state editor,
# reviewer, juror, platform admin). Only the local demo may switch it off.
LOTSE_REQUIRE_2FA = env.bool("LOTSE_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Lotse"

# Login throttling (django-axes): lock an e-mail/IP combination after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("uk", "Українська"),
    ("ar", "العربية"),
    ("fa", "فارسی"),
    ("tr", "Türkçe"),
    ("ru", "Русский"),
]
LANGUAGES_BIDI = ["ar", "fa", "he", "ur"]
# Every app keeps its own translations in lotse/<app>/locale.
LOCALE_PATHS: list[Path] = []
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lotse_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# E-mail. EMAIL_URL e.g. smtp://user:pass@127.0.0.1:2525 or smtp+tls://…; without it, mails
# are written to var/outbox as .eml files and shown on the DEBUG-only outbox page.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Lotse <noreply@lotse.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_OUTBOX_DIR = Path(env("EMAIL_OUTBOX_DIR", default=str(VAR_DIR / "outbox")))


def _mailer_from_url(url: str) -> dict:
    """Translate EMAIL_URL (smtp://, smtp+tls://, smtps://) into a Django 6.1 mailer config."""
    parsed = env.email_url_config(url)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parsed.get("EMAIL_HOST", "localhost"),
            "port": parsed.get("EMAIL_PORT", 25),
            "username": parsed.get("EMAIL_HOST_USER") or None,
            "password": parsed.get("EMAIL_HOST_PASSWORD") or None,
            "use_tls": bool(parsed.get("EMAIL_USE_TLS")),
            "use_ssl": bool(parsed.get("EMAIL_USE_SSL")),
            "timeout": 30,
        },
    }


MAILERS = {
    "default": (
        _mailer_from_url(env("EMAIL_URL"))
        if "EMAIL_URL" in env
        else {"BACKEND": "lotse.core.mail.OutboxBackend"}
    ),
}

# Background work through django.tasks. "database" is the embedded worker
# (manage.py db_worker); "rq" scales out over Redis; "immediate" runs inline (tests).
TASK_BACKEND = env("TASK_BACKEND", default="database")
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail", "infobriefe"],
    },
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "mail", "infobriefe"]},
    "immediate": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "mail", "infobriefe"],
    },
}
TASKS = {"default": _TASK_BACKENDS[TASK_BACKEND]}
RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600},
    "mail": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600},
    "infobriefe": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600},
}
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://lotse")}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy: nothing inline, nothing remote. htmx is configured (meta tag in
# base.html) not to inject its indicator <style>.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lotse.accounts.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "user": "600/minute"},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lotse API",
    "DESCRIPTION": "REST API of Lotse. Every endpoint returns only the records the caller may see.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One OpenAPI name per shared choice set (several serializers reuse them).
    "ENUM_NAME_OVERRIDES": {
        "HelpRequestStatusEnum": "lotse.engagement.choices.RequestStatus",
        "LanguageEnum": "lotse.core.choices.Language",
        "TopicEnum": "lotse.core.choices.Topic",
        "AvailabilityEnum": "lotse.volunteers.api.serializers.CELL_KEYS",
        "VolunteerStatusEnum": "lotse.volunteers.choices.VolunteerStatus",
        "OpportunityStatusEnum": "lotse.engagement.choices.OpportunityStatus",
        "ApplicationStatusEnum": "lotse.engagement.choices.ApplicationStatus",
        "ProposalStatusEnum": "lotse.engagement.choices.ProposalStatus",
        "PatenschaftStatusEnum": "lotse.engagement.choices.PatenschaftStatus",
        "HoursStatusEnum": "lotse.engagement.choices.HoursStatus",
        "MatchingRunStatusEnum": "lotse.engagement.choices.MatchingRunStatus",
    },
}

# Operator of this installation, shown in the Impressum and the accessibility statement.
LOTSE_OPERATOR = {
    "name": env("LOTSE_OPERATOR_NAME", default="Lotse-Demonstrationsbetrieb"),
    "address": env("LOTSE_OPERATOR_ADDRESS", default="Musterstraße 1, 80331 München"),
    "email": env("LOTSE_OPERATOR_EMAIL", default="kontakt@lotse.example"),
    "phone": env("LOTSE_OPERATOR_PHONE", default=""),
    "representative": env("LOTSE_OPERATOR_REPRESENTATIVE", default="Max Mustermann"),
    "data_protection_officer": env("LOTSE_DPO_EMAIL", default="datenschutz@lotse.example"),
    "accessibility_email": env(
        "LOTSE_ACCESSIBILITY_EMAIL", default="barrierefreiheit@lotse.example"
    ),
}
# Version of the privacy notice users consent to; bump it when the text changes.
LOTSE_PRIVACY_NOTICE_VERSION = "2026-11-01"
LOTSE_DEMO_MODE = env.bool("LOTSE_DEMO_MODE", default=False)
# How long a confirmation link stays valid.
LOTSE_CONFIRMATION_MAX_AGE_SECONDS = 60 * 60 * 72

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FORM_RENDERER = "lotse.core.form_rendering.KernFormRenderer"
CSRF_FAILURE_VIEW = "lotse.core.views.csrf_failure"

# Engagement (help requests and proposals): how many days a volunteer has to answer a proposal,
# and after how many days a closed help request is anonymised.
LOTSE_PROPOSAL_RESPONSE_DAYS = env.int("LOTSE_PROPOSAL_RESPONSE_DAYS", default=7)
LOTSE_HELP_REQUEST_RETENTION_DAYS = env.int("LOTSE_HELP_REQUEST_RETENTION_DAYS", default=180)

# Infobriefe (newsletters): how long a confirmation link of the public subscription form stays
# valid; dispatch batch size (one SMTP connection per batch), the lease a worker holds on a
# claimed batch (a dead worker's batch is taken over after it), attempts for temporary SMTP
# failures (back-off 1, 5, 15, 60 minutes …), and how long an unsubscribed address is kept
# (for the consent log) before it is deleted.
LOTSE_INFOBRIEF_CONFIRM_HOURS = env.int("LOTSE_INFOBRIEF_CONFIRM_HOURS", default=48)
LOTSE_INFOBRIEF_BATCH_SIZE = env.int("LOTSE_INFOBRIEF_BATCH_SIZE", default=200)
LOTSE_INFOBRIEF_LEASE_SECONDS = env.int("LOTSE_INFOBRIEF_LEASE_SECONDS", default=300)
LOTSE_INFOBRIEF_MAX_ATTEMPTS = env.int("LOTSE_INFOBRIEF_MAX_ATTEMPTS", default=5)
# Sender tasks started per dispatch (and on resume): as many workers can share the batches.
LOTSE_INFOBRIEF_SENDERS = env.int("LOTSE_INFOBRIEF_SENDERS", default=2)
# PostgreSQL: wait for the WAL flush on every "sent" confirmation. Off (the default), a
# confirmation survives any crash of the worker but the last fraction of a second of them may
# be lost if the database server itself crashes — the durability SQLite has here with
# synchronous=NORMAL; those mails would be sent again with the same Message-ID.
LOTSE_INFOBRIEF_DURABLE_CONFIRM = env.bool("LOTSE_INFOBRIEF_DURABLE_CONFIRM", default=False)
LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS = env.int(
    "LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS", default=30
)
# Version of the Infobrief consent text (templates/infobriefe/includes/consent_text.html);
# bump it when the text changes.
LOTSE_INFOBRIEF_CONSENT_VERSION = "2026-11-22"
