"""Settings for Freedom Commons.

Every value an operator may change comes from an environment variable parsed strictly by
``commons.lib.env`` and is documented in ``docs/configuration.md`` (a test compares the
two). The defaults run the embedded profile: SQLite, local memory cache, files on disk,
e-mail printed to the console. No production secret has a default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from commons.lib.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("COMMONS_VAR_DIR", str(BASE_DIR / "var")))
if not VAR_DIR.is_absolute():
    VAR_DIR = BASE_DIR / VAR_DIR
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Demo mode prints demo sign-ins and shows a banner; it is never on by default.
DEMO_MODE = env_bool("COMMONS_DEMO", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Freedom Commons")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "commons.core",
    "commons.accounts",
    "commons.directory",
    "commons.journeys",
    "commons.surveys",
    "commons.events",
    "commons.library",
    "commons.news",
    "commons.newsletter",
    "commons.discussions",
    "commons.alerts",
    "commons.operations",
]

MIDDLEWARE = [
    "commons.core.logging.RequestMiddleware",  # first: it times and counts every request
    "commons.core.middleware.RefusalAuditMiddleware",  # sees every 403, CSRF's included
    "django.middleware.security.SecurityMiddleware",
    "commons.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "commons.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "commons.core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "commons.accounts.middleware.UserLanguageMiddleware",
    "commons.core.middleware.TimeZoneMiddleware",
    "commons.accounts.middleware.RequireSecondFactorMiddleware",
]

ROOT_URLCONF = "commons.urls"
WSGI_APPLICATION = "commons.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "commons" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commons.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'commons.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0),
        # A kept connection is checked before a request reuses it, so after the database
        # restarts the next request opens a new one instead of failing on the dead one.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while a writer commits; IMMEDIATE transactions take the
        # write lock up front so concurrent writers wait (busy timeout) instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
    }
    # A file (not memory) so that the live-server and worker tests share it; one per
    # process so that two test runs in the same checkout never write the same file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background tasks -----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            (
                "django_tasks_db.DatabaseBackend",
                "django_tasks.backends.immediate.ImmediateBackend",
            ),
        ),
    }
}

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    # Django's list of 20,000 passwords most common in published breaches; works offline.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
BREACHED_PASSWORD_VALIDATOR = {
    "NAME": "pwned_passwords_django.validators.PwnedPasswordsValidator",
    "OPTIONS": {
        "error_message": (
            _("This password has appeared in a data breach. Choose another one."),
            _("This password has appeared in %(amount)d data breaches. Choose another one."),
        )
    },
}
if env_bool("PASSWORD_BREACH_CHECK", not DEBUG):
    # Asks the Pwned Passwords range API with a 5-character hash prefix (k-anonymity).
    AUTH_PASSWORD_VALIDATORS.append(BREACHED_PASSWORD_VALIDATOR)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Adding, changing or removing an e-mail address asks for the password again (a confirmation
# holds for ACCOUNT_REAUTHENTICATION_TIMEOUT seconds); so does setting up or removing a
# second factor (allauth.mfa's default); changing the password asks for the current one.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Behind a reverse proxy every request comes from the proxy: name how many proxies append
# to X-Forwarded-For (or the one header a proxy sets to the client's address), so that
# per-address limits and the audit log see the visitor, not the proxy (allauth reads the
# same two settings; core.services.client_ip asks allauth).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
ACCOUNT_RATE_LIMITS = {
    # Throttled sign-in: failed attempts per IP, and per account (lockout window).
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's e-mails in the account's saved language; new accounts keep their language.
ACCOUNT_ADAPTER = "commons.accounts.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
USERSESSIONS_TRACK_ACTIVITY = True

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("th", _("Thai")),
    ("km", _("Khmer")),
    ("vi", _("Vietnamese")),
    ("my", _("Burmese")),
    ("id", _("Indonesian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
]
# Our own catalogues first; locale_vendor/ adds languages third-party apps lack (allauth
# has no Khmer, Burmese or Vietnamese).
LOCALE_PATHS = [BASE_DIR / "commons" / "locale", BASE_DIR / "commons" / "locale_vendor"]
TIME_ZONE = "UTC"
USE_I18N = True
FORMAT_MODULE_PATH = ["commons.formats"]  # CLDR's dates and numbers where Django's differ
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "commons" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "local", ("local", "s3"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
WHITENOISE_USE_FINDERS = DEBUG
# Files served at the site's root rather than under /static/: /favicon.ico, which browsers
# and feed readers ask for whatever the page links.
WHITENOISE_ROOT = BASE_DIR / "commons" / "root"
# The library's uploads: documents and images (covers); the web server in front must
# accept request bodies this large too.
LIBRARY_MAX_FILE_MB = env_int("LIBRARY_MAX_FILE_MB", 25, minimum=1)
LIBRARY_MAX_IMAGE_MB = env_int("LIBRARY_MAX_IMAGE_MB", 5, minimum=1)

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}[
    env_choice(
        "EMAIL_BACKEND", "console" if DEBUG else "smtp", ("console", "file", "smtp", "locmem")
    )
]
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Freedom Commons <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Optionally, a mail provider's HTTP API through django-anymail instead of EMAIL_BACKEND:
# its webhooks report bounces and spam complaints, which suppress newsletter addresses
# (newsletter/signals.py). Each provider's name for its API key, of those Anymail
# supports; Amazon SES is left out because it needs boto3 and AWS credentials instead.
ANYMAIL_API_KEY_SETTINGS = {
    "brevo": "BREVO_API_KEY",
    "mailgun": "MAILGUN_API_KEY",
    "postmark": "POSTMARK_SERVER_TOKEN",
    "resend": "RESEND_API_KEY",
    "sendgrid": "SENDGRID_API_KEY",
    "sparkpost": "SPARKPOST_API_KEY",
}
# ... and, for those that sign their webhooks with a key of its own, its name for it.
ANYMAIL_SIGNING_KEY_SETTINGS = {
    "mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY",
    "resend": "RESEND_SIGNING_SECRET",
    "sendgrid": "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY",
}
ANYMAIL_ESP = env_choice("ANYMAIL_ESP", "none", ("none", *ANYMAIL_API_KEY_SETTINGS))
ANYMAIL_ESP = "" if ANYMAIL_ESP == "none" else ANYMAIL_ESP
if ANYMAIL_ESP:
    _anymail_key = env_str("ANYMAIL_API_KEY")
    _anymail_secret = env_str("ANYMAIL_WEBHOOK_SECRET")
    # Without the secret anyone could post a fake bounce and silence any subscriber.
    if not (_anymail_key and _anymail_secret):
        raise ImproperlyConfigured("ANYMAIL_ESP needs ANYMAIL_API_KEY and ANYMAIL_WEBHOOK_SECRET.")
    INSTALLED_APPS.append("anymail")
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
    ANYMAIL = {
        ANYMAIL_API_KEY_SETTINGS[ANYMAIL_ESP]: _anymail_key,
        "WEBHOOK_SECRET": _anymail_secret,
    }
    _anymail_signing_key = env_str("ANYMAIL_WEBHOOK_SIGNING_KEY")
    if _anymail_signing_key and ANYMAIL_ESP in ANYMAIL_SIGNING_KEY_SETTINGS:
        ANYMAIL[ANYMAIL_SIGNING_KEY_SETTINGS[ANYMAIL_ESP]] = _anymail_signing_key
# How many newsletter messages a worker hands to the mail server per second (0: no limit).
NEWSLETTER_RATE_PER_SECOND = env_int("NEWSLETTER_RATE_PER_SECOND", 20, minimum=0)
# Addresses one IP address may ask to subscribe in an hour: the public form must not
# become a way to send confirmation e-mails to many strangers.
NEWSLETTER_SUBSCRIPTIONS_PER_HOUR = env_int("NEWSLETTER_SUBSCRIPTIONS_PER_HOUR", 10, minimum=1)
# How long a published recruitment-fraud alert stays current before it must be renewed,
# and how many right-of-reply statements one address may send in an hour.
ALERTS_VALID_DAYS = env_int("ALERTS_VALID_DAYS", 365, minimum=1)
ALERTS_REPLIES_PER_HOUR = env_int("ALERTS_REPLIES_PER_HOUR", 5, minimum=1)

# --- Security -------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG and SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A sign-in lasts SESSION_COOKIE_AGE seconds at most, however active (absolute lifetime),
# and ends after SESSION_IDLE_TIMEOUT seconds without a request (SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 3600, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy and Permissions-Policy: commons.core.middleware.

# --- Logging, health, metrics, retention ----------------------------------------------
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "commons.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "commons.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
}
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
if METRICS_ENABLED and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("METRICS_ENABLED=true needs a METRICS_TOKEN of 16 characters.")
# 0: audit events are kept forever.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 0, minimum=0)
TASK_RESULTS_RETENTION_DAYS = env_int("TASK_RESULTS_RETENTION_DAYS", 30, minimum=1)
