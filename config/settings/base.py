"""Settings shared by every environment.

Every value has a working default so that a fresh checkout runs with no configuration (SQLite, inline tasks);
production differs only through environment variables (see production.py and README).
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    # API tokens: only a hash is stored, each token expires, logout and a password change revoke them.
    "knox",
    # The second factor: authenticator-app codes (TOTP) and single-use recovery codes (static tokens).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "core",
    "accounts",
    "enterprises",
    "scoring",
    "cultivation",
    "vouchers",
    "ip",
    "departments",
    "officers",
    "notifications",
    "policies",
    "firm_accounts",
    "audit",
    "reports",
    "dashboards",
    "quality",
    "workspaces",
    "pipeline",
    # The demo data: above every other app of the portal, imported by none.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "core.csp.PortalCSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last: it turns a lockout signalled during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "workspaces.context_processors.navigation",
            ],
        },
    },
]

# Unset DATABASE_URL means the embedded default: a SQLite file under var/.
DATABASE_URL = env("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no REDIS_URL, tasks run inline in the calling process so the embedded default needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = {}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PortalModelBackend",
]
# Django's hashers, plus a lighter one used only for generated one-time passwords (accounts/hashers.py).
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "accounts.hashers.OneTimePasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: a firm's session lasts a working day; staff are also logged out after a quiet spell
# (accounts/middleware.py, IdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE_HOURS", default=12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_IDLE_TIMEOUT_ROLES = env.list(
    "SESSION_IDLE_TIMEOUT_ROLES", default=["city_admin", "city_staff", "county_staff", "leader"]
)

# The second factor (django-otp): these roles enrol an authenticator app and give its code at every login.
# `make run` (config.settings.local) and the tests turn it off unless asked; production keeps it on.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["city_admin", "city_staff", "county_staff"])
OTP_TOTP_ISSUER = "平顶山科技局"
OTP_RECOVERY_CODES = 10

# Content-Security-Policy (django-csp 4): every script, style, image and font from the portal itself; no inline
# script, no event attribute, no style attribute or <style> block (sizes are classes in static/css/portal.css).
# Data blocks (json_script, type="application/json") are not scripts and need no exception. Bootstrap's CSS draws
# a few icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

# API tokens (django-rest-knox): a person's token from POST /api/v1/auth/token/ lasts this many hours; an
# integration's, issued by `manage.py issue_api_token`, at most this many days.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=8)
API_INTEGRATION_TOKEN_TTL_DAYS = env.int("API_INTEGRATION_TOKEN_TTL_DAYS", default=90)
REST_KNOX = {"TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS), "AUTO_REFRESH": False}

# Login throttling (django-axes): five failures lock the account, and separately the address, for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the proxy every request comes from the proxy's address: the client is read from X-Forwarded-For, trusting
# exactly this many proxies (accounts/network.py). 0 (the embedded default) ignores the header. Axes, the public
# pages' rate limits and the API's throttles all count this one address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_address"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded imports and their reports: never served as static media, only through views that check scope.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Bulk import: files up to this size; the page shows this many issues (the error report has them all). The size
# bounds the check's peak memory: an xlsx whose every cell differs peaks at 555-557 MB at 16 MB, 566 MB at 18, 648 MB
# at 25 (bench/import_bench.py --hostile), so 16 keeps every upload's check under 600 MB. A csv's check takes about two
# fifths of an xlsx's memory per MB (no shared strings, no XML; the worst csv at 40 MB peaks at 559 MB): its own limit
# lets a province's department list of 200,000 rows (22-34 MB as csv) go in one file.
IMPORT_MAX_FILE_MB = env.int("IMPORT_MAX_FILE_MB", default=16)
IMPORT_MAX_CSV_MB = env.int("IMPORT_MAX_CSV_MB", default=40)
IMPORT_ISSUES_SHOWN = 50
# Bounds checked before an upload is parsed (enterprises/importing/reading.py): data rows per file, columns a sheet
# may reach, the uncompressed size of an xlsx's parts together, and the compression ratio of any one part (a zip
# bomb packs 1 GiB of XML into 1 MB: ratio 1000; real workbooks stay below 30).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=300_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)
IMPORT_MAX_UNCOMPRESSED_MB = env.int("IMPORT_MAX_UNCOMPRESSED_MB", default=600)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=200)
# Policy attachments: PDF, Word, Excel, WPS, OFD or an image, judged by content, at most this size.
POLICY_ATTACHMENT_MAX_MB = env.int("POLICY_ATTACHMENT_MAX_MB", default=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.PortalTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "enterprises.api.pagination.PortalPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# An empty filter reads "All" (全部), not Django's dashes; so does the empty choice of any select the portal renders
# (templates/django/forms/widgets/select.html: "Choose…" where a choice is required).
FILTERS_EMPTY_CHOICE_LABEL = _("All")
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

SPECTACULAR_SETTINGS = {
    "TITLE": "Innovation portal API",
    "DESCRIPTION": "Enterprise registry of the Pingdingshan innovative-enterprise cultivation portal.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Portraits, placements, movements and pins share the one tier choice set: one schema name for it.
    "ENUM_NAME_OVERRIDES": {
        "TierEnum": "scoring.models.Tier",
        "CampaignStageEnum": "cultivation.models.CampaignStage",
        "DemandStatusEnum": "officers.models.DemandStatus",
        "ServiceKindEnum": "officers.models.ServiceKind",
        "AssignmentRunStatusEnum": "officers.models.AssignmentRunStatus",
        "PlanTaskStatusEnum": "cultivation.models.PlanTaskStatus",
        "HighTechFieldEnum": "enterprises.models.HighTechField",
        "ClaimStatusEnum": "vouchers.models.ClaimStatus",
        "ProviderKindEnum": "vouchers.models.ProviderKind",
        "ProviderStatusEnum": "vouchers.models.ProviderStatus",
        "DocumentKindEnum": "vouchers.models.DocumentKind",
        "PolicyMatchStatusEnum": "policies.models.MatchStatus",
        "RegistrationStateEnum": "policies.models.RegistrationState",
    },
}

# The rule-set version in force: the year whose official thresholds the portal applies (rulesets/).
SCORING_RULESET_YEAR = env.int("SCORING_RULESET_YEAR", default=2026)

LIST_PAGE_SIZES = (25, 50, 100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------------------------------------------
# Scoring engine (scoring/): the nightly run of every firm's portrait.
from celery.schedules import crontab  # noqa: E402

# Firms per chunk task; chunks are spread over every running worker.
SCORING_CHUNK_SIZE = env.int("SCORING_CHUNK_SIZE", default=5000)
# When beat starts the nightly run (local time, HH:MM).
SCORING_NIGHTLY_AT = env("SCORING_NIGHTLY_AT", default="02:30")
SCORING_CHUNK_SOFT_TIME_LIMIT_S = env.int("SCORING_CHUNK_SOFT_TIME_LIMIT_S", default=600)
SCORING_CHUNK_TIME_LIMIT_S = env.int("SCORING_CHUNK_TIME_LIMIT_S", default=660)
SCORING_PUBLISH_SOFT_TIME_LIMIT_S = env.int("SCORING_PUBLISH_SOFT_TIME_LIMIT_S", default=600)
SCORING_PUBLISH_TIME_LIMIT_S = env.int("SCORING_PUBLISH_TIME_LIMIT_S", default=660)
# A running run with no sign of life (no chunk started or finished) for this long has lost its workers: the sweep
# sends its unscored chunks again (at most SCORING_RUN_REQUEUES times), then marks it failed. Longer than a chunk
# or the publication may run.
SCORING_RUN_STALL_AFTER_S = env.int("SCORING_RUN_STALL_AFTER_S", default=900)
SCORING_RUN_REQUEUES = env.int("SCORING_RUN_REQUEUES", default=1)
# How often beat runs the sweeps of stalled scoring runs and import jobs.
JOBS_SWEEP_EVERY_S = env.int("JOBS_SWEEP_EVERY_S", default=60)
if max(SCORING_CHUNK_TIME_LIMIT_S, SCORING_PUBLISH_TIME_LIMIT_S) >= SCORING_RUN_STALL_AFTER_S:
    raise ImproperlyConfigured("SCORING_RUN_STALL_AFTER_S must be longer than the chunk and publish time limits")
# Import tasks (enterprises/tasks.py): an import of 100,000 rows takes well under a minute; these limits catch a
# stuck worker, not a slow file.
IMPORT_TASK_SOFT_TIME_LIMIT_S = env.int("IMPORT_TASK_SOFT_TIME_LIMIT_S", default=15 * 60)
IMPORT_TASK_TIME_LIMIT_S = env.int("IMPORT_TASK_TIME_LIMIT_S", default=20 * 60)
# An import checking or committing with no sign of life for this long, and no commit holding it, lost its process
# (or no worker took it up): the sweep marks it failed, the registry unchanged.
IMPORT_STALL_AFTER_S = env.int("IMPORT_STALL_AFTER_S", default=300)
# Every other task's limits (a task without its own).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT_S", default=25 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT_S", default=30 * 60)
# Redis redelivers an unacknowledged (acks_late) task after this long. It must be longer than any task may run,
# else a task still running is delivered a second time; and no longer than needed, else a task whose worker was
# killed waits that long to run again. By default the longest time limit and five minutes.
_LONGEST_TASK_S = max(
    SCORING_CHUNK_TIME_LIMIT_S, SCORING_PUBLISH_TIME_LIMIT_S, IMPORT_TASK_TIME_LIMIT_S, CELERY_TASK_TIME_LIMIT
)
CELERY_VISIBILITY_TIMEOUT_S = env.int("CELERY_VISIBILITY_TIMEOUT_S", default=_LONGEST_TASK_S + 300)
if CELERY_VISIBILITY_TIMEOUT_S <= _LONGEST_TASK_S:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT_S ({CELERY_VISIBILITY_TIMEOUT_S}) must be longer than the longest task time "
        f"limit ({_LONGEST_TASK_S} s)"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_S}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
_scoring_hour, _scoring_minute = (int(part) for part in SCORING_NIGHTLY_AT.split(":"))
# The night (pipeline/nightly.py): patents re-evaluated as of the day, then the scoring run, its publication with
# placement, plans, warnings and policy matching, and the dashboards' refresh.
CELERY_BEAT_SCHEDULE["pipeline-nightly-run"] = {
    "task": "pipeline.nightly_run",
    "schedule": crontab(hour=_scoring_hour, minute=_scoring_minute),
}
CELERY_BEAT_SCHEDULE["pipeline-sweep-runs"] = {"task": "pipeline.sweep_runs", "schedule": float(JOBS_SWEEP_EVERY_S)}
CELERY_BEAT_SCHEDULE["enterprises-sweep-imports"] = {
    "task": "enterprises.sweep_imports",
    "schedule": float(JOBS_SWEEP_EVERY_S),
}

# ---------------------------------------------------------------------------------------------------------------
# Enterprise accounts (accounts/requests.py, accounts/bulk.py).
# Public request page, per client address (django-ratelimit's decorator, counting in the default cache: Redis in
# production, per process in the embedded default): submissions and status look-ups.
ACCOUNT_REQUEST_RATE = env("ACCOUNT_REQUEST_RATE", default="5/h")
ACCOUNT_STATUS_RATE = env("ACCOUNT_STATUS_RATE", default="30/m")
# Most firms per bulk creation (one request, one xlsx).
ACCOUNT_BULK_MAX = env.int("ACCOUNT_BULK_MAX", default=500)

# ---------------------------------------------------------------------------------------------------------------
# Innovation vouchers (vouchers/): the largest accepted claim document (PDF, JPEG or PNG).
VOUCHER_DOCUMENT_MAX_MB = env.int("VOUCHER_DOCUMENT_MAX_MB", default=20)

# ---------------------------------------------------------------------------------------------------------------
# Leaders' dashboards (dashboards/): trends show the ends of this many earlier years beside now.
DASHBOARD_TREND_YEARS = env.int("DASHBOARD_TREND_YEARS", default=4)
# A queued refresh stops further ones being queued for at most this long (then a change queues another).
DASHBOARD_REFRESH_QUEUED_TIMEOUT_S = env.int("DASHBOARD_REFRESH_QUEUED_TIMEOUT_S", default=300)
# The published scoring run queues the night's refresh; this one, at the start of the working day, keeps "now" and
# "the same day last year" moving with the calendar even on a night whose run failed.
CELERY_BEAT_SCHEDULE["dashboards-morning-refresh"] = {
    "task": "dashboards.refresh",
    "schedule": crontab(hour=env.int("DASHBOARD_MORNING_REFRESH_HOUR", default=6), minute=0),
    "args": ("daily",),
}

# ---------------------------------------------------------------------------------------------------------------
# Data quality (quality/): an observation of a figure older than this many months is out of date.
DATA_FRESH_MONTHS = env.int("DATA_FRESH_MONTHS", default=15)

# ---------------------------------------------------------------------------------------------------------------
# Reminders outside the portal (notifications/channels.py, notifications/sms.py, notifications/reminders.py).
# E-mail through Django's e-mail backends: the intranet SMTP server in production (EMAIL_BACKEND
# django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS); by default the file backend, one file per message under var/mail/, so that nothing is needed.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_S", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")
# The portal's address as its users reach it, put before a reminder's link in an e-mail ("" leaves the link out).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")
# SMS: notifications.sms.FileBackend (one JSON line per message in SMS_FILE_PATH) by default, or
# notifications.sms.HttpGatewayBackend posting to the government SMS platform at SMS_GATEWAY_URL with SMS_GATEWAY_KEY;
# the platform sends registered templates only: SMS_TEMPLATE_IDS maps a reminder kind to its template id
# ("certificate_expiring=SMS_001,voucher_claim_returned=SMS_002").
SMS_BACKEND = env("SMS_BACKEND", default="notifications.sms.FileBackend")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=VAR_DIR / "sms" / "messages.jsonl")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", default="")
SMS_GATEWAY_TIMEOUT_S = env.int("SMS_GATEWAY_TIMEOUT_S", default=10)
SMS_TEMPLATE_IDS = env.dict("SMS_TEMPLATE_IDS", default={})
# A delivery (one message by one channel to one person) is tried at most this many times, waiting twice as long
# after each failure (from NOTIFICATION_RETRY_DELAY_S, at most NOTIFICATION_RETRY_MAX_DELAY_S).
NOTIFICATION_SEND_MAX_ATTEMPTS = env.int("NOTIFICATION_SEND_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_DELAY_S = env.int("NOTIFICATION_RETRY_DELAY_S", default=30)
NOTIFICATION_RETRY_MAX_DELAY_S = env.int("NOTIFICATION_RETRY_MAX_DELAY_S", default=600)
# A delivery still waiting this long after its last try is sent again by the sweep (beat, every
# JOBS_SWEEP_EVERY_S); longer than the longest retry delay, so a retry on its way is not doubled.
NOTIFICATION_STUCK_AFTER_S = env.int("NOTIFICATION_STUCK_AFTER_S", default=900)
NOTIFICATION_SEND_TIME_LIMIT_S = env.int("NOTIFICATION_SEND_TIME_LIMIT_S", default=60)
if NOTIFICATION_STUCK_AFTER_S <= NOTIFICATION_RETRY_MAX_DELAY_S + NOTIFICATION_SEND_TIME_LIMIT_S:
    raise ImproperlyConfigured(
        "NOTIFICATION_STUCK_AFTER_S must be longer than NOTIFICATION_RETRY_MAX_DELAY_S + NOTIFICATION_SEND_TIME_LIMIT_S"
    )
# The tech-based SME registration window of each year (MM-DD, inclusive): firms registered last year and not yet
# this year are reminded when it opens and again REMINDER_SME_CLOSING_DAYS before it closes.
REMINDER_SME_WINDOW_OPENS = env("REMINDER_SME_WINDOW_OPENS", default="03-01")
REMINDER_SME_WINDOW_CLOSES = env("REMINDER_SME_WINDOW_CLOSES", default="10-31")
REMINDER_SME_CLOSING_DAYS = env.int("REMINDER_SME_CLOSING_DAYS", default=14)
# The firm's yearly report (reports/): attachments of corrections at most REPORT_ATTACHMENT_MAX_MB; firms that have
# not submitted are reminded again REPORT_CLOSING_DAYS before the window closes.
REPORT_ATTACHMENT_MAX_MB = env.int("REPORT_ATTACHMENT_MAX_MB", default=10)
REPORT_CLOSING_DAYS = env.int("REPORT_CLOSING_DAYS", default=7)
# When beat looks for the day's reminders (local hour): at the start of the working day, not at night.
CELERY_BEAT_SCHEDULE["notifications-reminders"] = {
    "task": "notifications.send_reminders",
    "schedule": crontab(hour=env.int("REMINDERS_HOUR", default=8), minute=0),
}
CELERY_BEAT_SCHEDULE["notifications-sweep-deliveries"] = {
    "task": "notifications.sweep_deliveries",
    "schedule": float(JOBS_SWEEP_EVERY_S),
}
