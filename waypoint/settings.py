"""Waypoint settings: one module, read from the environment, failing closed.

``WAYPOINT_MODE`` is ``production`` unless said otherwise. Production refuses to start without a
secret key and never turns on debugging by default; ``demo`` and ``test`` generate what they need.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from waypoint.lib.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
)

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
DEBUG = env_bool("WAYPOINT_DEBUG", default=False)
ALLOWED_HOSTS = env_list(
    "WAYPOINT_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "testserver"] if MODE != "production" else [],
)
CSRF_TRUSTED_ORIGINS = env_list("WAYPOINT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "waypoint.reference",
    "waypoint.orgs",
    "waypoint.audit",
    "waypoint.cases",
    "waypoint.demo",
    "waypoint.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("WAYPOINT_SESSION_SECONDS", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if MODE == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("WAYPOINT_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("WAYPOINT_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("WAYPOINT_LOG_LEVEL", "WARNING")},
}
