"""Settings shared by every environment.

Every value has a working default so that a fresh checkout runs with no configuration (SQLite, inline tasks);
production differs only through environment variables (see production.py and README).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.conf import global_settings
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
    "rest_framework.authtoken",
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
    "officers",
    "notifications",
    "policies",
    "firm_accounts",
    "dashboards",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
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

# Login throttling (django-axes): five failures lock the account, and separately the address, for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
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

# Bulk import: files up to this size; the page shows this many issues (the error report has them all).
IMPORT_MAX_FILE_MB = env.int("IMPORT_MAX_FILE_MB", default=50)
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
# A run still "running" after this long lost its workers; the next start marks it failed.
SCORING_RUN_STALE_AFTER_S = env.int("SCORING_RUN_STALE_AFTER_S", default=6 * 3600)
# Redis redelivers an unacknowledged (acks_late) task after this long: longer than any task may run.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_S", default=2 * 3600)}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
_scoring_hour, _scoring_minute = (int(part) for part in SCORING_NIGHTLY_AT.split(":"))
# The night (pipeline/nightly.py): patents re-evaluated as of the day, then the scoring run, its publication with
# placement, plans, warnings and policy matching, and the dashboards' refresh.
CELERY_BEAT_SCHEDULE["pipeline-nightly-run"] = {
    "task": "pipeline.nightly_run",
    "schedule": crontab(hour=_scoring_hour, minute=_scoring_minute),
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
