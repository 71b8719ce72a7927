"""Waypoint settings: one module, read from the environment, failing closed.

``WAYPOINT_MODE`` is ``production`` unless said otherwise. Production refuses to start without a
secret key and never turns on debugging by default; ``demo`` and ``test`` generate what they need.
"""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from waypoint.api.rates import parse_rate
from waypoint.lib.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
)
from waypoint.vault.crypto import KeyFormatError, key_from_text

BASE_DIR = Path(__file__).resolve().parent.parent
MODE = env_choice("WAYPOINT_MODE", ("production", "demo", "test"), "production")
VAR_DIR = Path(env_str("WAYPOINT_VAR_DIR", str(BASE_DIR / "var"))).resolve()


def _secret_key() -> str:
    key = env_secret("WAYPOINT_SECRET_KEY")
    if key:
        return key
    if MODE == "test":
        return "test-only-secret-key-" + "x" * 40
    if MODE == "demo":
        path = VAR_DIR / "secret_key"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()
    raise ConfigurationError(
        "WAYPOINT_SECRET_KEY (or WAYPOINT_SECRET_KEY_FILE) must be set in production mode; "
        "set WAYPOINT_MODE=demo to try Waypoint with generated keys"
    )


SECRET_KEY = _secret_key()


def _master_key() -> str:
    """The key that wraps every encryption key in the database (docs/encryption.md)."""
    key = env_secret("WAYPOINT_MASTER_KEY")
    if not key and MODE == "test":
        key = base64.b64encode(b"waypoint-test-master-key-32bytes").decode()
    if not key and MODE == "demo":
        path = VAR_DIR / "master_key"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(base64.b64encode(secrets.token_bytes(32)).decode(), encoding="utf-8")
            path.chmod(0o600)
        key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ConfigurationError(
            "WAYPOINT_MASTER_KEY (or WAYPOINT_MASTER_KEY_FILE) must be set in production mode: "
            "base64 of 32 random bytes, e.g. from "
            "`python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'`. "
            "Keep a copy apart from the database backups; without it nothing sealed can be read"
        )
    try:
        key_from_text(key, "WAYPOINT_MASTER_KEY")
    except KeyFormatError as error:
        raise ConfigurationError(f"{error}; give base64 of 32 random bytes") from None
    return key


# Read only by waypoint.vault.keys; never logged (Django's error pages hide settings named *KEY*).
WAYPOINT_MASTER_KEY = _master_key()
DEBUG = env_bool("WAYPOINT_DEBUG", default=False)
ALLOWED_HOSTS = env_list(
    "WAYPOINT_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "testserver"] if MODE != "production" else [],
)
CSRF_TRUSTED_ORIGINS = env_list("WAYPOINT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin site is the platform administrator's, with two-factor login (web.admin_site).
    "waypoint.web.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # Serves the API documentation from its own static files (without it: from a CDN).
    "ninja",
    "waypoint.reference",
    "waypoint.orgs",
    "waypoint.audit",
    "waypoint.vault",
    "waypoint.cases",
    "waypoint.bulk",
    "waypoint.analytics",
    "waypoint.returns",
    "waypoint.demo",
    "waypoint.api",
    "waypoint.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "waypoint.web.middleware.AllowedMethodsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "waypoint.web.middleware.SessionRulesMiddleware",
    "waypoint.web.middleware.TwoFactorMiddleware",
    "waypoint.web.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a throttled login into the login page's answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "waypoint.urls"
WSGI_APPLICATION = "waypoint.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "waypoint" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "waypoint.web.navigation.navigation",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    default_url = f"sqlite:///{VAR_DIR / 'waypoint.sqlite3'}"
    url = env_str("WAYPOINT_DATABASE_URL", default_url)
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("WAYPOINT_DB_CONN_MAX_AGE", 0))
    except ValueError as exc:
        raise ConfigurationError(f"WAYPOINT_DATABASE_URL is not a database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work during an import; IMMEDIATE avoids "database is locked" on upgrade
        # from a read to a write lock inside a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON;",
        }
        config["TEST"] = {"NAME": env_str("WAYPOINT_TEST_DATABASE_NAME", "") or None}
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if MODE == "test":
    # Tests create many users; a real hasher would dominate their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
else:
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]

AUTHENTICATION_BACKENDS = [
    # Refuses sign-in attempts while a user name and address are throttled; must come first.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "waypoint" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_str("WAYPOINT_STATIC_ROOT", "") or None
# Served from the app folders directly (no collectstatic step for the demo); production may
# collect them to STATIC_ROOT and serve them the same way.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions live in the database so that signing out, disabling a user and ending a session from the
# account page take effect at once (and web.UserSession can list them).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The longest a session lives after sign-in, however active (web.middleware.SessionRulesMiddleware).
SESSION_COOKIE_AGE = env_int("WAYPOINT_SESSION_SECONDS", 8 * 3600)
# A session unused for this long ends.
WAYPOINT_SESSION_IDLE_SECONDS = env_int("WAYPOINT_SESSION_IDLE_SECONDS", 30 * 60)
if not 60 <= WAYPOINT_SESSION_IDLE_SECONDS <= SESSION_COOKIE_AGE:
    raise ConfigurationError(
        f"WAYPOINT_SESSION_IDLE_SECONDS={WAYPOINT_SESSION_IDLE_SECONDS} must lie between 60 and "
        f"WAYPOINT_SESSION_SECONDS ({SESSION_COOKIE_AGE})"
    )
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if MODE == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix binds the cookies to this exact host, over HTTPS, for every path.
    SESSION_COOKIE_NAME = "__Host-waypoint-session"
    CSRF_COOKIE_NAME = "__Host-waypoint-csrf"
    SECURE_SSL_REDIRECT = env_bool("WAYPOINT_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("WAYPOINT_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How many reverse proxies in front of Waypoint append to X-Forwarded-For; 0 trusts no header and
# uses the connection's address. Throttling and the session list use the address this gives.
WAYPOINT_TRUSTED_PROXIES = env_int("WAYPOINT_TRUSTED_PROXIES", 0)

# Two-factor sign-in (TOTP, with single-use recovery codes) for every account. Optional in demo mode;
# production cannot turn it off.
WAYPOINT_REQUIRE_2FA = env_bool("WAYPOINT_REQUIRE_2FA", default=MODE != "demo")
if MODE == "production" and not WAYPOINT_REQUIRE_2FA:
    raise ConfigurationError(
        "WAYPOINT_REQUIRE_2FA cannot be turned off in production mode; "
        "two-factor sign-in is optional only with WAYPOINT_MODE=demo"
    )
OTP_TOTP_ISSUER = env_str("WAYPOINT_TOTP_ISSUER", "Waypoint")
# The administration site shows no TOTP secrets or recovery codes of other users.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair waits AXES_COOLOFF_TIME; a cool-off is never extended by further attempts and
# there is no permanent lockout. Unknown user names are counted and answered the same way.
AXES_FAILURE_LIMIT = env_int("WAYPOINT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("WAYPOINT_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The login view answers a throttled attempt itself, exactly like any other refused one.
AXES_LOCKOUT_CALLABLE = "waypoint.web.signin.throttled_response"
AXES_CLIENT_IP_CALLABLE = "waypoint.web.clients.client_address"
# Sign-ins and sign-outs are recorded by the audit log, not a second time by django-axes.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Content-Security-Policy: only Waypoint's own files; no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# The cache holds the API's rate-limit counters. Local memory counts per process: a deployment
# that runs several processes sets WAYPOINT_CACHE=database (after `waypoint createcachetable`)
# so that every process counts against the same limit.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "waypoint"}
    if env_choice("WAYPOINT_CACHE", ("locmem", "database"), "locmem") == "locmem"
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "waypoint_cache"}
}

# Requests per API token: "600/min", "20/s", "10000/hour", "100000/day".
WAYPOINT_API_RATE = env_str("WAYPOINT_API_RATE", "600/min")
try:
    parse_rate(WAYPOINT_API_RATE)
except ValueError as error:
    raise ConfigurationError(f"WAYPOINT_API_RATE: {error}") from None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("WAYPOINT_LOG_LEVEL", "WARNING")},
    # django-axes warns of every failed sign-in; the audit log keeps those, so tests stay quiet.
    # Tests provoke refusals (403, 404, 405, 422) on purpose; only server errors are worth a line.
    "loggers": {
        name: {"level": "ERROR" if MODE == "test" else "WARNING"}
        for name in ("axes", "django.request", "django.security.csrf", "django.server")
    },
}

# Imports: uploaded files wait here for a worker, beside each job's progress and error report.
WAYPOINT_JOB_DIR = Path(env_str("WAYPOINT_JOB_DIR", str(VAR_DIR / "jobs"))).resolve()
# Who runs an import submitted on a page or through the API: "inline" in the request (tests),
# "thread" in the serving process (the demo), "worker" for `waypoint work_jobs` (production).
WAYPOINT_JOB_RUNNER = env_choice(
    "WAYPOINT_JOB_RUNNER",
    ("inline", "thread", "worker"),
    {"test": "inline", "demo": "thread"}.get(MODE, "worker"),
)
WAYPOINT_IMPORT_MAX_BYTES = env_int("WAYPOINT_IMPORT_MAX_BYTES", 512 * 1024 * 1024)

# Standard tables read the counts kept ahead of time per organisation and label for the records
# a user sees whole (analytics.statistics.summary); off, every table counts from the records.
WAYPOINT_STATISTICS_SUMMARY = env_bool("WAYPOINT_STATISTICS_SUMMARY", default=True)

# --- Statistics disclosure control (analytics.disclosure; methods in docs/statistics.md) ---------
# Cells counting fewer contributors than the threshold are suppressed: WAYPOINT_STATS_THRESHOLD in
# statistics shown to staff, the stricter WAYPOINT_STATS_PUBLIC_THRESHOLD in public releases.
WAYPOINT_STATS_THRESHOLD = env_int("WAYPOINT_STATS_THRESHOLD", 5)
WAYPOINT_STATS_PUBLIC_THRESHOLD = env_int("WAYPOINT_STATS_PUBLIC_THRESHOLD", 10)
if not 1 <= WAYPOINT_STATS_THRESHOLD <= WAYPOINT_STATS_PUBLIC_THRESHOLD:
    raise ConfigurationError(
        f"WAYPOINT_STATS_THRESHOLD={WAYPOINT_STATS_THRESHOLD} must be at least 1 and at most "
        f"WAYPOINT_STATS_PUBLIC_THRESHOLD ({WAYPOINT_STATS_PUBLIC_THRESHOLD})"
    )


# --- Aggregate returns (waypoint.returns) ---------------------------------------------------------
# A figure that moved by more than this factor from the previous period's is flagged to the officer
# (a warning, not an error).
WAYPOINT_RETURNS_CHANGE_FACTOR = env_float("WAYPOINT_RETURNS_CHANGE_FACTOR", 2.0)
if WAYPOINT_RETURNS_CHANGE_FACTOR <= 1:
    raise ConfigurationError(
        f"WAYPOINT_RETURNS_CHANGE_FACTOR={WAYPOINT_RETURNS_CHANGE_FACTOR} must be more than 1"
    )


def _dp_budget() -> float:
    """The total ε each dataset may spend on differentially private releases, unless the
    dataset's own PrivacyBudget row says otherwise."""
    raw = env_str("WAYPOINT_DP_BUDGET", "1.0").strip() or "1.0"
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise ConfigurationError(f"WAYPOINT_DP_BUDGET={raw!r} must be a positive number (ε)")
    return value


WAYPOINT_DP_BUDGET = _dp_budget()
# --- End of statistics disclosure control ---------------------------------------------------------

# Rendered charts and maps (analytics.charts), kept by a hash of what they show; may be emptied.
WAYPOINT_CHART_CACHE_DIR = Path(
    env_str("WAYPOINT_CHART_CACHE_DIR", str(VAR_DIR / "charts"))
).resolve()

# The incident form sends a few dozen fields per person and route leg: room for large cases.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
