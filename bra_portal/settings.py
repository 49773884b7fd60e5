"""Settings for BRÅ-portalen, driven by environment variables (see .env.example).

The defaults are the embedded development setup of `make run`: SQLite, kombu's filesystem broker, mail to
the console. Production switches behaviour by variables, never by another settings file.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.security import map_tile_sources

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "core",
    "accounts",
    "councils",
    "situation",
    "actionplans",
    "pledges",
]

MIDDLEWARE = [
    # First, so that every log line of a request and every response (even a redirect) carries its id.
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in security (accounts/middleware.py): which device verified the session, sign-out after inactivity,
    # and the second factor before any page where it is owed.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bra_portal.urls"
WSGI_APPLICATION = "bra_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# A Redis cache that cannot be reached answers as misses (core/cache.py) instead of turning pages into errors.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.TolerantRedisCache"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in attempt while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "councils:staff-home"
LOGOUT_REDIRECT_URL = "councils:public-index"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24 * 3)

# Sign-in security (README, "Sign-in security"). Throttling by django-axes: after LOGIN_FAILURE_LIMIT failed
# attempts on one account, or LOGIN_ADDRESS_FAILURE_LIMIT from one address (a town hall shares one), sign-in is
# locked for LOGIN_LOCKOUT_MINUTES after the latest failure; a password reset lifts an account's lockout.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.security.LoginFailureHandler"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.security.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# A try while locked out does not move the end of the lockout, so the time on the lockout page holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful sign-ins are not logged with their address (data minimisation); failures are kept only while
# they count, and removed once their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Two-factor sign-in (accounts/two_factor.py), required for coordinators, police liaisons and superusers.
OTP_TOTP_ISSUER = "BRÅ-portalen"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Signed out after this many seconds without a request; SESSION_COOKIE_AGE stays the longest a session lasts.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)

# Internationalisation: source strings are English, the Swedish translation lives in locale/sv/.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language a visitor picks (the switch in the header) is remembered for a year in a cookie; without one,
# the browser's Accept-Language decides between Swedish and English, and Swedish is the default.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# The largest photo accepted with a safety-walk observation, in bytes (it is re-encoded smaller when stored).
WALK_PHOTO_MAX_BYTES = env.int("WALK_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
# The other uploads: an action plan's measures as CSV, and an area's outline as GeoJSON (bytes).
MEASURES_IMPORT_MAX_BYTES = env.int("MEASURES_IMPORT_MAX_BYTES", default=1024 * 1024)
AREA_OUTLINE_MAX_BYTES = env.int("AREA_OUTLINE_MAX_BYTES", default=2 * 1024 * 1024)
# Django's limits for every request, whatever the view (beyond them it answers 400 before any view runs): the
# form fields without files (at least twice the measures CSV: its confirmation page sends it back in base64), the
# number of fields and of files. Files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not to memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(5 * 1024 * 512, 2 * MEASURES_IMPORT_MAX_BYTES)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Municipality exports (core/municipality_export.py): written here by the worker and served only by the
# coordinator's download view, so never under MEDIA_ROOT or STATIC_ROOT; deleted after the given number of days.
PRIVATE_EXPORT_ROOT = env.str("PRIVATE_EXPORT_ROOT", default=str(VAR_DIR / "exports"))
EXPORT_ARCHIVE_MAX_AGE_DAYS = env.int("EXPORT_ARCHIVE_MAX_AGE_DAYS", default=7)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Serve static files straight from the source folders (development and tests; production collects them).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BRÅ-portalen <noreply@bra-portalen.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Timeout (seconds) of one SMTP conversation, so that a hanging mail server fails a delivery instead of a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The portal's own address, for links in mail and calendar files (no trailing slash).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")
MAIL_MESSAGE_ID_DOMAIN = env.str("MAIL_MESSAGE_ID_DOMAIN", default="bra-portalen.example")

# Celery. The default broker is kombu's filesystem transport so that `make run` needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
BROKER_DIR = Path(env.str("BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
# A Redis broker that is down or hangs must not hold a request that queues work: 2 s to connect and for each
# reply, and one quick retry when publishing (Celery's default is three). What could not be queued is logged by
# the caller, and the catch-up sweep below queues it again from the database's state.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The whole beat schedule, in one place; one comment per entry.
CELERY_BEAT_SCHEDULE = {
    # Proves to /healthz that a worker is consuming: each run stamps the heartbeat row.
    "worker-heartbeat": {"task": "core.tasks.heartbeat_task", "schedule": 30.0},
    # Retention (core/retention.py): every rule of the registry, nightly at 03:15: incident free text after each
    # municipality's period, former members, the delivery log, subscriptions, the access log, history, sessions.
    "retention": {"task": "core.tasks.retention_task", "schedule": crontab(hour=3, minute=15)},
    # Imports the police's open events feed every 15 minutes (the feed allows one call per 10 s, 60 an hour);
    # does nothing until POLICE_FEED_URL is set.
    "import-police-events": {"task": "situation.tasks.import_police_events_task", "schedule": 15 * 60.0},
    # The reminder engine (core/reminders.py): plans every kind's sendings for the next day and sends what is
    # due, every 5 minutes; a second scheduler or a rerun sends nothing twice.
    "reminders-scan-and-send": {"task": "core.tasks.reminders_task", "schedule": 5 * 60.0},
    # Users who chose a daily digest get it at 07:00.
    "reminders-digest": {"task": "core.tasks.digest_task", "schedule": crontab(hour=7, minute=0)},
    # Catch-up (core/catch_up.py): queues again the PDF renders the database says are missing (adopted,
    # published or approved documents without their PDF), e.g. lost while Redis was down; every 5 minutes.
    "requeue-pending-work": {"task": "core.tasks.requeue_pending_task", "schedule": 5 * 60.0},
}
# How old the last worker heartbeat may be before /healthz reports the worker as down.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=120)

# Security: production values come from the environment (see README, "Production variables").
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Lax, not Strict: a link in a reminder mail must open the page signed in. No script reads the CSRF cookie
# (forms and htmx send the token from the form's hidden field), so it is hidden from scripts too.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Browser features no page of the portal uses are switched off for the portal and anything it might embed
# (core.security.PermissionsPolicyMiddleware); the EST report form may ask for the phone's position.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)

# The open-data API: read-only JSON of everything public, described by OpenAPI.
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BRÅ-portalen open data",
    "DESCRIPTION": "Read-only open data of what municipalities and the police have published on BRÅ-portalen.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# The analysis map. Without a tile URL the map shows its points and area outlines on a plain background, so
# no third-party tile host is contacted unless the operator names one ({z}/{x}/{y} template of a tile server
# the municipality may use, with the attribution its terms require).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# Content-Security-Policy (django-csp): scripts, styles, fonts and requests only from the portal itself, and no
# inline script or style at all (templates carry no style attributes; scripts are static files). Images may also
# be data: URIs (Leaflet's and Bootstrap's icons, the two-factor QR code) and map tiles from MAP_TILE_URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *map_tile_sources(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The police's open events feed (situation/police_feed.py). The deployment sets the address; while it is empty
# the scheduled import logs and does nothing. HTTPS only, unless POLICE_FEED_ALLOW_HTTP (local tests).
POLICE_FEED_URL = env.str("POLICE_FEED_URL", default="")
# A contact address or page sent in the User-Agent, so the feed's operator can reach the portal's operator.
POLICE_FEED_CONTACT = env.str("POLICE_FEED_CONTACT", default="")
POLICE_FEED_ALLOW_HTTP = env.bool("POLICE_FEED_ALLOW_HTTP", default=False)

# Crime statistics CSV import: the largest file accepted, refused while it is still being uploaded.
STAT_IMPORT_MAX_BYTES = env.int("STAT_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)

# The access log of sensitive data (core.audit): entries older than this are purged; three years by default.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=1096)

# Retention periods in days (core/retention.py; the privacy page /integritet/ prints them). Incident free text
# has its period per municipality, sessions last SESSION_COOKIE_AGE.
DELIVERY_LOG_RETENTION_DAYS = env.int("DELIVERY_LOG_RETENTION_DAYS", default=400)
UNCONFIRMED_SUBSCRIPTION_RETENTION_DAYS = env.int("UNCONFIRMED_SUBSCRIPTION_RETENTION_DAYS", default=7)
CANCELLED_SUBSCRIPTION_RETENTION_DAYS = env.int("CANCELLED_SUBSCRIPTION_RETENTION_DAYS", default=30)
FORMER_MEMBER_RETENTION_DAYS = env.int("FORMER_MEMBER_RETENTION_DAYS", default=730)
HISTORY_RETENTION_DAYS = env.int("HISTORY_RETENTION_DAYS", default=3653)
# Who answers questions about personal data on the privacy page: the operator's name and the e-mail address of
# its contact or data protection officer (empty: the page points to each municipality's coordinator only).
PRIVACY_OPERATOR_NAME = env.str("PRIVACY_OPERATOR_NAME", default="")
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="")

# Demo data
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-losenord")

# Logs (core/logging.py, docs/operations.md "Logs"): every process writes to stderr, as JSON lines in production
# (time, level, logger, message, request_id, exception) and as plain lines when DEBUG is on.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
# The error reporter hook (core/error_reporter.py): a dotted path to a callable report(event: dict), called for
# every error logged with an exception; empty is off. core.error_reporter.webhook POSTs the event as JSON to
# ERROR_REPORTER_URL, waiting at most ERROR_REPORTER_TIMEOUT seconds.
ERROR_REPORTER = env.str("ERROR_REPORTER", default="")
ERROR_REPORTER_URL = env.str("ERROR_REPORTER_URL", default="")
ERROR_REPORTER_TIMEOUT = env.float("ERROR_REPORTER_TIMEOUT", default=2.0)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "text": {"()": "core.logging.TextFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
        "error_reporter": {"class": "core.error_reporter.ErrorReporterHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console", "error_reporter"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own records reach the root handlers only: one line each, and no mail to ADMINS.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
