"""Settings of the Official Accounts Registry, read from the environment.

Every variable is documented in docs/configuration.md. Development defaults are safe and need
nothing set; production is the same code with DJANGO_DEBUG=0, a real DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS (one switch, not a second settings module).
https://docs.djangoproject.com/en/5.2/ref/settings/
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE as CSP_NONE, SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=True)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a real secret when DJANGO_DEBUG=0.")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Proxies in front of the site that overwrite X-Forwarded-For and X-Forwarded-Proto (compose: Caddy,
# so 1). The default, 0, believes neither header: without such a proxy anyone can write them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "registry",
    "entities",
    "accounts",
]

MIDDLEWARE = [
    # Outside the replay, so a replayed public answer gets the same CORS headers as one the site drew
    # (the replay keys no answer by Origin); only the public read API, GET/HEAD (accounts/api/cors.py).
    "accounts.api.cors.PublicReadCorsMiddleware",
    # First: an anonymous GET the site answered once at this register version is replayed from the
    # cache without the rest (accounts/public/replay.py); anything else goes on through the list.
    "accounts.public.replay.PublicReplayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files carry them too; outside everything that answers, error pages included.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag and If-None-Match on every GET: a CDN or a browser revalidates lists for free.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (it reads the user); inside conditional GET and CSP, which read what it sets.
    "registry.headers.ResponseHeadersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "registry.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "registry.middleware.SessionLifetimeMiddleware",  # after messages: it says why a login ended
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Its process_exception turns "the database is away" into the last good public answer or a 503.
    "accounts.public.outage.DatabaseOutageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"
AUTH_USER_MODEL = "registry.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "registry.context_processors.site",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------
# DATABASE_URL if set; in development, an embedded PostgreSQL under .data/ (registry/embedded_db.py).
if env.str("DATABASE_URL", default=""):
    _database_url = env.str("DATABASE_URL")
elif DEBUG:
    from registry.embedded_db import embedded_database_url

    _database_url = embedded_database_url()
else:
    raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_DEBUG=0.")
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Reads of a fixed shape (registry/compiled.py: verify's) are sent as prepared statements once seen
# twice on a connection, so PostgreSQL plans them once. Turn off behind a transaction-mode pooler
# (PgBouncer `pool_mode = transaction`), which may hand the next query another server connection.
DATABASE_PREPARED_READS = env.bool("DATABASE_PREPARED_READS", default=True)
if DATABASE_PREPARED_READS:
    # Only cursors that bind on the server prepare (the compiled reads'); Django's own bind on the
    # client and are never prepared, though psycopg counts them among its 100 most recent statements,
    # and a rollback after a prepared statement makes it deallocate them all: a cost, never a wrong row.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2

# Each process holds the register's version in memory, told of every change by PostgreSQL on a
# connection of its own (accounts/public/version_listener.py): public answers then read no row.
# Off in development (DJANGO_DEBUG=1) and tests, where every answer reads the version.
REGISTER_VERSION_LISTENER = env.bool("REGISTER_VERSION_LISTENER", default=not DEBUG)

# --- Redis: cache, sessions, Celery ------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # A Redis outage costs cache hits, not pages (registry/cache.py); sessions are also kept in
    # the database, so nobody is logged out by one.
    CACHES = {"default": {
        "BACKEND": "registry.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Seconds each process keeps its own copy of a replayed public answer (accounts/public/replay.py):
# never stale (the key names the register version), it spares a cache round trip. 0: none kept.
REPLAY_COPY_SECONDS = env.int("REPLAY_COPY_SECONDS", default=0 if DEBUG else 60)
# The public's limits are counted by each process and added to Redis this often, in the background
# (registry/shared_counts.py): no Redis round trip per answer, at the price of a caller going over
# its limit by what it sends to the other processes in that time. 0: every request counted in Redis
# at once (development and tests).
RATE_LIMIT_SYNC_SECONDS = env.float("RATE_LIMIT_SYNC_SECONDS", default=0 if DEBUG else 0.05)

# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the jobs run inline, in the process that asked for them.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message taken by a worker that dies (even by SIGKILL) goes back to the queue once this many
# seconds have passed unacknowledged: longer than the longest task (CELERY_TASK_TIME_LIMIT).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = "Asia/Dubai"
CELERY_BEAT_SCHEDULE: dict = {
    "refresh-followers": {
        "task": "accounts.tasks.refresh_followers",
        "schedule": crontab(hour=3, minute=30),  # daily, before the office opens
    },
    "stalled-webhooks": {
        "task": "accounts.tasks.resend_stalled_webhooks",
        "schedule": crontab(minute="*/15"),  # a delivery whose queued message was lost goes out within the hour
    },
    "dormant-alerts": {
        "task": "accounts.tasks.open_dormant_alerts",
        "schedule": crontab(hour=7, minute=15),  # daily, after the refresh and before the digest
    },
    "alert-digest": {
        "task": "accounts.tasks.send_alert_digest",
        "schedule": crontab(hour=7, minute=30),  # daily, after the refresh
    },
    "presence-report": {
        "task": "accounts.report_tasks.send_monthly_report",
        "schedule": crontab(day_of_month=1, hour=8, minute=0),  # monthly, for the reviewers
    },
    "summary-growth": {
        "task": "accounts.tasks.record_summary_edition",
        "schedule": crontab(minute="*/15"),  # the public summary's growth, when the register or the day changed
    },
    "radar-counts": {
        "task": "accounts.tasks.flush_radar_counts",
        "schedule": crontab(minute="*/5"),  # the public's look-alike questions, from Redis to the database
    },
    "annual-review-reminders": {
        "task": "accounts.tasks.send_annual_review_reminders",
        "schedule": crontab(day_of_week="sunday", hour=8, minute=0),  # Sunday starts the UAE work week
    },
}

# --- Passwords and login -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses (and counts) logins of a locked-out username and address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "home"
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# Lock a username *from one address* after repeated failures, for a short cool-off: an attacker
# elsewhere cannot lock a reviewer out, and a locked-out reviewer waits minutes, not days.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# The client behind TRUSTED_PROXY_COUNT proxies (DRF's NUM_PROXIES rule): without it every
# client behind a proxy would share one address, and one attacker could lock a reviewer out.
AXES_CLIENT_IP_CALLABLE = "registry.authentication.client_ip"
AXES_USERNAME_CALLABLE = "registry.authentication.login_username"  # emails match in any case; so must failures
AXES_LOCKOUT_CALLABLE = "registry.auth.views.lockout_response"  # 429, translated page (JSON under /api/)
AXES_ENABLE_ADMIN = True
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)  # lifetime of API tokens; 0 = until revoked
# A token issued with the second factor carries a reviewer's powers: it lives a working day at most.
API_TOKEN_2FA_HOURS = env.int("API_TOKEN_2FA_HOURS", default=12)
# The single-use link that enrols a user's first authenticator app (registry/second_factor.py).
ENROLMENT_LINK_HOURS = env.int("ENROLMENT_LINK_HOURS", default=24)
# https://django-otp-official.readthedocs.io/en/stable/overview.html
AXES_VERBOSE = False  # its start-up banner on every command tells nobody anything
OTP_TOTP_ISSUER = "Official Accounts Registry"

SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout, not a fixed lifetime
# However active, a login ends this many hours after it began (registry.middleware.SessionLifetimeMiddleware).
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_HTTPONLY = True

# --- History of records (the audit trail's field-by-field half) ---------------------------
# https://django-simple-history.readthedocs.io/en/latest/admin.html
# The admin shows history and never reverts it: a revert would write around the services. The
# version page also saves a POST whatever this says, so registry.admin.HistoryAdmin replaces it.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Languages and time ------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["registry.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Dubai"  # stored in UTC, shown in the UAE's time

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email ---------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
# Without debug, mail must really leave: these backends would print password-reset and enrolment
# links to the log (or keep or drop them) instead of sending them.
_MAIL_THAT_STAYS_HERE = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
_email_url = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
if not DEBUG and not _email_url:
    raise ImproperlyConfigured("EMAIL_URL must be set to a mail server (smtp+tls://...) when DJANGO_DEBUG=0.")
_email = environ.Env.email_url_config(_email_url)
if not DEBUG and _email["EMAIL_BACKEND"] in _MAIL_THAT_STAYS_HERE:
    raise ImproperlyConfigured(
        "EMAIL_URL must name a mail server (smtp+tls://...) when DJANGO_DEBUG=0, not a backend that keeps "
        "mail on this machine."
    )
vars().update(_email)
# Seconds a shared cache may keep a public page. Short: a channel flagged as compromised must not
# read as official for long. The verify page is always revalidated (ETag), whatever this says.
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)
# The public lists (directory, API) count their matches exactly up to this many; above it they say
# the planner's estimate ("about 480,000 channels"), so no page counts a million rows.
PUBLIC_EXACT_COUNT_UP_TO = env.int("PUBLIC_EXACT_COUNT_UP_TO", default=1000)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")  # for links in emails
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="registry@gco.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# /.well-known/security.txt (RFC 9116): whom to tell about a vulnerability in the site (an email address
# or a mailto:/https: URI), and how many days ahead of each answer its Expires field is (under a year).
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default=DEFAULT_FROM_EMAIL)
SECURITY_TXT_DAYS = env.int("SECURITY_TXT_DAYS", default=180)
if not 1 <= SECURITY_TXT_DAYS <= 365:
    raise ImproperlyConfigured("SECURITY_TXT_DAYS must be between 1 and 365.")
# Where the public may tell the GCO about an impostor account (verify's "Report this account");
# unset, verify only explains how to report it on the platform.
IMPOSTOR_REPORT_EMAIL = env.str("IMPOSTOR_REPORT_EMAIL", default="")

# --- API -----------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "registry.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "registry.api.exception_handler",
    # DRF reads request bodies itself, past DATA_UPLOAD_MAX_MEMORY_SIZE: these parsers apply it.
    "DEFAULT_PARSER_CLASSES": [
        "registry.parsers.JSONParser", "registry.parsers.FormParser", "registry.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Anonymous clients by address (behind NUM_PROXIES trusted proxies), staff by account.
    "DEFAULT_THROTTLE_CLASSES": [
        "registry.throttles.PublicRateThrottle", "registry.throttles.StaffRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Official Accounts Registry API",
    "DESCRIPTION": "The register of the UAE federal government's official social-media accounts.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ChannelStatusEnum": "accounts.models.Status",
        "EntityKindEnum": "entities.models.EntityKind",
        "AlertKindEnum": "accounts.models.AlertKind",
    },
    "DEFAULT_QUERY_MANAGER": "_default_manager",  # Channel has no `objects`, on purpose
}

# Cross-origin reads (django-cors-headers, through accounts/api/cors.py): another site's script may read
# the public read API, from any origin, without credentials; nothing else on the site is readable so.
# https://github.com/adamchainz/django-cors-headers#configuration
CORS_URLS_REGEX = (
    r"^/api/v1/("
    r"verify/|stats/|changes/"
    r"|channels/([0-9]+/(followers/)?)?|channels\.(csv|json|xlsx)|presence\.csv"
    r"|entities/([^/]+/)?|officials/([^/]+/)?"
    r")$"
    # The change feed as Atom and JSON Feed, in each language, whole or per entity.
    rf"|^/({'|'.join(code for code, _name in LANGUAGES)})/feeds/(entities/[^/]+/)?changes\.(atom|json)$"
)
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match"]  # no authorization, no CSRF token
CORS_EXPOSE_HEADERS = ["etag", "content-language", "retry-after", "content-disposition"]
CORS_PREFLIGHT_MAX_AGE = 86400

# --- Imports from a spreadsheet (accounts/imports/) -----------------------------------------
# A file over either limit is refused whole, with the limit in the sentence. 10,000 rows preview in
# seconds (docs/performance.md); the bytes bound what one upload holds in memory or on disk.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)

# --- Webhooks: public changes POSTed to subscribers (accounts/opendata/webhooks.py, docs/webhooks.md) ---
# Plain http subscriber URLs only in development; production sends over https only.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=DEBUG)
# Loopback addresses are refused like private ones; only the tests' local receiver turns this on,
# in the test itself. Not read from the environment on purpose.
WEBHOOK_ALLOW_LOOPBACK = False
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Attempts per delivery, the first retry's wait (then doubling), and failed attempts in a row that pause a subscriber.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_PAUSE_AFTER = env.int("WEBHOOK_PAUSE_AFTER", default=10)
WEBHOOK_MAX_RESPONSE_BYTES = 4096  # of a subscriber's answer, only its status matters
# A pending delivery this many seconds past its time (never tried, or its retry overdue) is queued again
# by the 15-minute sweep (accounts.tasks.resend_stalled_webhooks): its queued message was lost.
WEBHOOK_STALLED_AFTER = env.int("WEBHOOK_STALLED_AFTER", default=600)

# --- Content-Security-Policy and Permissions-Policy ----------------------------------------
# https://django-csp.readthedocs.io/en/latest/configuration.html
# Everything from this site only: no inline script or style (the pages use static files; the charts
# and the QR code are SVG drawn on the server), no plugins, no <base>, never framed, forms post here.
# The API docs page adds what Swagger UI needs (registry/headers.py CSP_ADDITIONS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
    },
}
# https://github.com/adamchainz/django-permissions-policy: every powerful feature the site never uses, off.
# (Only features Chromium knows: it warns in the console about each one it does not.)
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in (
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "hid", "idle-detection", "interest-cohort", "local-fonts", "magnetometer",
    "microphone", "midi", "otp-credentials", "payment", "picture-in-picture", "publickey-credentials-create",
    "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "window-management", "xr-spatial-tracking",
)}

# --- Rate limits of pages (registry/throttles.py; the API's are in REST_FRAMEWORK) ------------
# "<number>/<second|minute|hour|day>"; empty for no limit. Per client address (TRUSTED_PROXY_COUNT):
# the verify page like the API's anonymous clients; password-reset emails few, since each one is mail
# sent on the asker's word, and fewer still per email address, so no mailbox can be flooded.
VERIFY_PAGE_THROTTLE = env.str("VERIFY_PAGE_THROTTLE", default="60/min")
PASSWORD_RESET_THROTTLE = env.str("PASSWORD_RESET_THROTTLE", default="10/hour")
PASSWORD_RESET_EMAIL_THROTTLE = env.str("PASSWORD_RESET_EMAIL_THROTTLE", default="3/hour")

# --- Production hardening (manage.py check --deploy) --------------------------------------
if TRUSTED_PROXY_COUNT > 0:
    # Only a proxy that overwrites X-Forwarded-Proto may tell the site that a request came over HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probed over plain HTTP inside the network
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=int(timedelta(days=365).total_seconds()))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every request at INFO: one line per platform call would drown the refresh's own.
    "loggers": {"pgserver": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# --- Platforms (follower refresh; see ../shared/PLATFORMS.md and docs/configuration.md) ----
X_BEARER_TOKEN = env.str("X_BEARER_TOKEN", default="")
X_API_BASE_URL = env.str("X_API_BASE_URL", default="https://api.x.com")
YOUTUBE_API_KEY = env.str("YOUTUBE_API_KEY", default="")
YOUTUBE_API_BASE_URL = env.str("YOUTUBE_API_BASE_URL", default="https://www.googleapis.com/youtube/v3")
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_API_BASE_URL = env.str("TELEGRAM_API_BASE_URL", default="https://api.telegram.org")
BLUESKY_API_BASE_URL = env.str("BLUESKY_API_BASE_URL", default="https://public.api.bsky.app")
META_ACCESS_TOKEN = env.str("META_ACCESS_TOKEN", default="")
META_INSTAGRAM_USER_ID = env.str("META_INSTAGRAM_USER_ID", default="")
META_GRAPH_BASE_URL = env.str("META_GRAPH_BASE_URL", default="https://graph.facebook.com/v21.0")
# Mastodon has no central API: each account's server answers for it. Only servers named here
# (besides the well-known ones in accounts/platforms/mastodon.py) are ever called, and the
# base URL pattern lets tests point at a local stub.
MASTODON_INSTANCES = env.list("MASTODON_INSTANCES", default=[])
# The platforms the GCO marks as core: every entity is expected on each (the presence report).
CORE_PLATFORMS = env.list("CORE_PLATFORMS", default=["x", "instagram", "facebook", "youtube", "linkedin"])
# A newly approved channel is not yet expected to have its followers measured (the presence
# report's "followers measured" check says "new: not yet measured" instead of failing) for this many
# days: two weeks leave time for the first refresh, or for staff to report a count by hand.
REPORT_NEW_CHANNEL_GRACE_DAYS = env.int("REPORT_NEW_CHANNEL_GRACE_DAYS", default=14)
MASTODON_API_BASE_URL = env.str("MASTODON_API_BASE_URL", default="https://{instance}")
# An official channel whose last post (as its platform says, or its staff report) is older than this
# many days opens a `dormant` alert for reviewers: an abandoned account is a takeover waiting to happen.
DORMANT_AFTER_DAYS = env.int("DORMANT_AFTER_DAYS", default=90)
# `manage.py refresh_followers` waits out a platform's rate limit when it lifts within this many
# seconds (X's windows are 15 minutes); a longer one (YouTube's quota day) is recorded, and the
# command says when to run it again. Its --max-wait option overrides it for one run.
REFRESH_WAIT_MAX_SECONDS = env.float("REFRESH_WAIT_MAX_SECONDS", default=900.0)
# Share links (vm.tiktok.com/..., facebook.com/share/...) are opened with one request to the
# platform's own short-link host (accounts/platforms/short_links.py). Host name -> base URL, only so
# tests can point a host at a local stub; a host not named here is asked at https://<host>.
SHORT_LINK_BASE_URLS = {}
