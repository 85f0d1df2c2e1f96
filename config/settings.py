"""The one settings file. Everything that differs between machines is an environment variable,
listed with a comment in .env.example."""

from __future__ import annotations

from pathlib import Path

import environ
from bootstrap_wrapper import get_bootstrap_dir
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import keys

# --- Paths and environment -------------------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of `make run`: SQLite file, file broker, beat schedule

env = environ.Env()
# Real environment variables win over the file; the file is for local development only.
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

# --- Core ------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = keys.secret(env, "SECRET_KEY")  # no default anywhere: a missing one stops the start
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The local demo may skip two-factor set-up for coordinators; never on a real deployment.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
if DEMO_MODE and not DEBUG:
    raise ImproperlyConfigured("DEMO_MODE is for the local demo only and needs DEBUG=true.")

# --- Apps and middleware ---------------------------------------------------------------------

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's session list uses it
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the form renderer finds its widget templates here
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "csp",
]
LOCAL_APPS = ["members", "outreach", "programmes", "safety", "monitoring", "reminders", "demo"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # Pages go compressed (a cached contact form must stay under 10 KB on a costly data plan);
    # Django pads each response at random against BREACH, and CSRF tokens are masked per request.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "members.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, so an ended session can say why on the login page.
    "members.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "members.middleware.PrivacyHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Database and cache ----------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a few people at once. A transaction takes the write lock when
    # it begins (a reader turned writer would fail at once with "database is locked"), a second
    # writer waits up to 20 s for it, and with WAL readers never wait for a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests on it use a file as well, never memory: a shared in-memory database hands the one
    # connection to every thread of the browser tests' server, and two requests at once (a
    # page and its service worker) then deadlock instead of waiting on the lock.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# The database, never Redis: allauth's rate limits and TOTP replay guard use this cache with no
# error handling, so a Redis outage must not turn into failed logins.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}

# --- Users, login and two-factor -------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# How hard a teller's key is to make from their password (programmes.ballot_crypto.KEY_COST).
TELLER_KEY_COST = "interactive"
# Part of the offline service worker's version (outreach.offline): changing it makes every phone
# install the service worker again. Its files' contents change the version by themselves.
OFFLINE_VERSION = "1"

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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Username and password; many members have no e-mail. Nobody signs up from the street.
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are visible and testable.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
    # The pages where a code handed over in person is typed (invitation, password reset;
    # members.codes): every form sent, and wrong codes, per client address. "key" is a keyed
    # hash of the address, so the cache table never holds the address itself.
    "handed_code": "20/m/key",
    "handed_code_failed": "10/10m/key",
    # The anonymous feedback page's wrong codes, per client address as above.
    "feedback_code_failed": "10/10m/key",
}
# The reset page tells nobody whether an address has an account, not even by e-mail.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_FORMS = {"reset_password": "members.forms.ResetPasswordForm"}
ACCOUNT_SESSION_REMEMBER = False  # a shared phone must not stay logged in after the browser closes
# A lost phone (members.sessions): staff sessions end after this many seconds without a request;
# every session ends this many seconds after login, however active.
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_TIMEOUT", default=15 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=8 * 60 * 60)
# Stored sessions go no later than that either, so `clearsessions` removes them.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME

MFA_ADAPTER = "members.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("SITE_NAME", default="Community portal")
# Accept the code of the neighbouring 30-second period too: a cheap phone's clock drifts, and a
# code typed as the period turns should not fail. Replays stay refused.
MFA_TOTP_TOLERANCE = 1
# Fernet keys, newest first, for the TOTP secrets and recovery-code seeds allauth stores.
MFA_ENCRYPTION_KEYS = keys.fernet_keys(env, "MFA_ENCRYPTION_KEYS")


# --- People's data ---------------------------------------------------------------------------

# Fernet keys, newest first, for contact details and notes (`manage.py rotate_field_keys`
# re-encrypts everything under the first one).
FIELD_ENCRYPTION_KEYS = keys.fernet_keys(env, "FIELD_ENCRYPTION_KEYS")
# The key of the keyed hash of people's codes. Changing it makes every code unfindable.
UIC_HMAC_KEY = keys.secret(env, "UIC_HMAC_KEY")
# The key of the keyed hash of phone numbers and plates in safety alerts and of the numbers on
# the text-message stop list (members.identifiers): a key of its own, apart from people's codes.
IDENTIFIER_HMAC_KEY = keys.secret(env, "IDENTIFIER_HMAC_KEY")
# The country whose numbers may be typed without their +country code (ISO 3166 letters, e.g. KE);
# empty: every number needs its country code.
PHONE_REGION = env.str("PHONE_REGION", default="").upper() or None
# The parts of a person's code, in order (members.uic.PARTS lists the possible ones).
UIC_RECIPE = env.list("UIC_RECIPE", default=["mother", "father", "birth_order", "birth_year"])
# How long an outreach worker may see a person outside their hotspots after giving a reason.
OUTSIDE_ACCESS_HOURS = env.int("OUTSIDE_ACCESS_HOURS", default=3)
# Code look-ups per login (members.lookup), by allauth's limiter like the login limits. A look-up
# needs the person to say four parts and the worker to type them, 20 seconds at the very least:
# a queue at a busy event brings at most 30 in ten minutes, and 60 leaves as many again for
# mistyped codes. A script trying codes gets 6 a minute instead of 100 in 6 seconds.
ACCOUNT_RATE_LIMITS["code_lookup"] = "60/10m/user"
# Checks of a number or plate against the safety alerts, per login (safety.views): enough for a
# member to check each new caller of an evening, too few to walk through numbers in bulk.
ACCOUNT_RATE_LIMITS["identifier_check"] = "20/h/user"
# Requests to remove an alert, from the open page, per client address (as handed codes above).
ACCOUNT_RATE_LIMITS["removal_request"] = "5/h/key"
# Days an alert circulates before it expires by itself.
SAFETY_ALERT_DAYS = env.int("SAFETY_ALERT_DAYS", default=90)
# How long an invitation code stays usable.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
# How long a password reset code handed over by staff stays usable.
RESET_CODE_HOURS = env.int("RESET_CODE_HOURS", default=24)
# Counts under this are hidden in exports and subgroup figures (small-cell suppression).
SMALL_CELL_MIN = env.int("SMALL_CELL_MIN", default=5)
# The national health information system that takes the reports (DHIS2): its address and a login
# allowed to import data values. Empty: the reports page offers the files only.
DHIS2_URL = env.str("DHIS2_URL", default="")
DHIS2_USERNAME = env.str("DHIS2_USERNAME", default="")
DHIS2_PASSWORD = env.str("DHIS2_PASSWORD", default="")
# How the report mappings name things in DHIS2: "code" or "uid".
DHIS2_ID_SCHEME = env.str("DHIS2_ID_SCHEME", default="code")
# The month the reporting year starts (reach is counted once a year): 10 is 1 October.
REPORTING_YEAR_START_MONTH = env.int("REPORTING_YEAR_START_MONTH", default=10)
# Seconds a dashboard snapshot is shown before fresh figures are asked for (monitoring.snapshots).
DASHBOARD_MAX_AGE = env.int("DASHBOARD_MAX_AGE", default=15 * 60)

# --- Templates, forms and languages ----------------------------------------------------------

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
                "members.context_processors.site",
                "outreach.context_processors.offline",
            ],
            # {% form_key %} in every template: creating forms are safe to send twice.
            "builtins": ["members.templatetags.resend"],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language: English as GOV.UK writes it, Spanish and French as Django does.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")

# A neutral name in page titles and e-mails: nothing that reveals what the organization does.
SITE_NAME = env.str("SITE_NAME", default="Community portal")
# Where the quick-exit button leaves for: a neutral site, chosen by the organization.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.wikipedia.org/")

# --- Static files ----------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", get_bootstrap_dir())]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names need `collectstatic`, which a deployment runs and local runs skip.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ----------------------------------------------------------------------------------

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Text messages (SMS) ---------------------------------------------------------------------

# The backend class (reminders.sms): ConsoleBackend, FileBackend, LocmemBackend or
# AfricasTalkingBackend, whose account, key and sender id follow.
SMS_BACKEND = env.str("SMS_BACKEND", default="reminders.sms.ConsoleBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="https://api.africastalking.com")
SMS_USERNAME = env.str("SMS_USERNAME", default="")
SMS_API_KEY = env.str("SMS_API_KEY", default="")
SMS_SENDER_ID = env.str("SMS_SENDER_ID", default="")
# The secret part of the opt-out callback's address; empty: the callback answers 404.
SMS_CALLBACK_TOKEN = env.str("SMS_CALLBACK_TOKEN", default="")
# Tries of one text through temporary failures before it is given up.
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=5)

# --- Celery ----------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, str | int | bool]
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A Redis that accepts connections but never answers must not hang anybody.
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        "max_retries": 1,
        # Longer than the longest task, so a slow task is not delivered twice.
        "visibility_timeout": 3600,
    }
else:
    # No services needed for `make run`: kombu's file transport under var/.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_RESULT_BACKEND = None  # tasks write their results to the database themselves
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
CELERY_TIMEZONE = TIME_ZONE

# --- Security headers and cookies ------------------------------------------------------------

# Nothing from another host, no inline script, no framing: a member's visit leaks to no one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its small icons as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# "same-origin", not "no-referrer": with no-referrer Chromium sends `Origin: null` on form posts
# and CSRF checks refuse them. Other sites still learn nothing of where a visitor came from.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Oversized requests get 400, never a worker busy parsing them (Django's limits, written out).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form data; the app takes no file uploads
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it
# Messages live in the session: Django's cookie for them cannot take the __Host- prefix.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins cookies to this host, over HTTPS, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sid"
    CSRF_COOKIE_NAME = "__Host-csrf"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-lang"
if env.bool("BEHIND_PROXY", default=False):
    # Only behind a proxy that sets this header itself; otherwise a client could spoof it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# --- Logging ---------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Request lines carry paths and ids of people; keep them out of the log.
    "loggers": {"django.server": {"level": "WARNING"}},
}
