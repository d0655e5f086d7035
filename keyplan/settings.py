"""Settings, read from the environment.

KEYPLAN_DATA_DIR    where the SQLite database and the generated secret key live (./data)
DATABASE_URL        a database URL; SQLite under the data directory when unset
KEYPLAN_SECRET_KEY  the secret key; generated once into the data directory when unset
KEYPLAN_DEBUG       1 for Django's debug mode (never in production)
KEYPLAN_ALLOWED_HOSTS  comma-separated host names; setting it switches on the
                    production hardening (HTTPS only, secure cookies, HSTS)
KEYPLAN_BEHIND_PROXY   1 when a proxy terminates TLS and sets X-Forwarded-Proto
KEYPLAN_BASE_URL    the address people open keyplan at, for links in emails
KEYPLAN_EMAIL_HOST, _PORT, _USER, _PASSWORD, _USE_TLS, _USE_SSL, _TIMEOUT, KEYPLAN_EMAIL_FROM
                    the SMTP server the digests go through (see README)
KEYPLAN_PAPER       paper of the PDF exports: a4 (default) or letter
KEYPLAN_SESSION_HOURS  how long a sign-in lasts at most, the working day (8)
KEYPLAN_SESSION_IDLE_MINUTES  how long a session lasts without a request (120)
KEYPLAN_TOKEN_DAYS  how long a new API token works unless its maker says otherwise (90)
KEYPLAN_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _NAME, _SCOPES, _ROLE_CLAIM, _ROLE_MAP
                    single sign-on with an OpenID Connect provider (see README)
KEYPLAN_PASSWORD_LOGIN  who may sign in with a password once single sign-on is on:
                    all (default), admins or off
KEYPLAN_AUDIT_DAYS  how long the audit trail keeps an event (365; `keyplan audit --prune`)
KEYPLAN_REDIS_URL   a Redis server for the caches (pip install 'keyplan[redis]'); the
                    plan documents are kept in the database when unset
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KEYPLAN_DATA_DIR") or Path.cwd() / "data").resolve()


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data directory."""
    configured = os.environ.get("KEYPLAN_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Processes starting at once on a new data directory each write a whole key to
        # a private file; the first to link it in place wins and all read that one.
        handle, written = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key-")
        try:
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_urlsafe(50))
            os.link(written, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(written)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("KEYPLAN_DEBUG")
PRODUCTION = bool(env_list("KEYPLAN_ALLOWED_HOSTS")) and not DEBUG
ALLOWED_HOSTS = env_list("KEYPLAN_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    # Before django.contrib.auth, so its createsuperuser (which says the role) is the one run.
    "keyplan.team",
    "keyplan.security",
    "keyplan.security.sso",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "csp",
    # Two-step sign-in (keyplan.security.mfa): authenticator-app codes and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "keyplan.security.mfa",
    "keyplan.core",
    "keyplan.audit",
    "keyplan.accounts",
    "keyplan.relationships",
    "keyplan.growth",
    "keyplan.risks",
    "keyplan.cadence",
    "keyplan.insights.stored",
    "keyplan.rhythm",
    "keyplan.exchange",
    "keyplan.demo",
    "keyplan.bench",
    "keyplan.web",
    "keyplan.api",
    "ninja",  # its docs page then uses the bundled assets, not a CDN
    # The job queue: work a user starts from a page (Sync now), run by `keyplan worker`.
    "django_tasks",
    "django_tasks_db",
]

# Jobs wait in the database (SQLite or PostgreSQL) until `keyplan worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "keyplan.team.middleware.organisation_per_request",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the headers below, so it sees a download's no-store (and adds no ETag) and
    # answers a matching If-None-Match with 304, the headers kept.
    "django.middleware.http.ConditionalGetMiddleware",
    "keyplan.security.headers.security_headers",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "keyplan.security.sessions.session_limits",  # after messages: it says why it ended one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "keyplan.audit.middleware.refusals",  # after sign-in: it records whom a 403 or 404 refused
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes requires
]

ROOT_URLCONF = "keyplan.urls"
WSGI_APPLICATION = "keyplan.wsgi.application"
AUTH_USER_MODEL = "team.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Every template writes numbers, money and dates the organisation's way.
            "builtins": ["keyplan.core.templatetags.formats"],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / "keyplan.sqlite3"
        # Made here, readable by its owner only: SQLite would create it with the umask's
        # looser mode, and gives its -wal and -shm files the database file's mode.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if config["ENGINE"] == "django.db.backends.postgresql":
        # keyplan's reports are many short aggregates: JIT-compiling them costs more than
        # it saves (the dashboard took 21 s at 10,000 accounts with it, 6 s without).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"-c jit=off {options.get('options', '')}".strip()
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue (busy timeout) instead of failing mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests on a file, not in memory: the live server's threads then open their own
        # connections, as in production, instead of sharing one (which can deadlock when
        # two browser pages post at once). One file per test process.
        config["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    return config


DATABASES = {"default": _database()}


def _caches() -> dict:
    """ "plans" holds each plan's document between changes (exchange.documents.cached),
    shared by every app process: in the database (its table made by `keyplan migrate`,
    its entries committed and rolled back with the data), or in Redis when configured."""
    redis = os.environ.get("KEYPLAN_REDIS_URL")
    if redis:
        shared = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis}
        return {
            "default": {**shared, "KEY_PREFIX": "keyplan"},
            "plans": {**shared, "KEY_PREFIX": "keyplan-plans"},
        }
    plans = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "keyplan_cache",
        # A nightly read of every plan fits; entries of older days expire.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "plans": plans}


CACHES = _caches()
# The per-account figures (keyplan.insights.stored) are recomputed with every plan
# change. Always on in use; the test suite turns it off except where the figures are
# the point (pytest marker `kept_figures`).
FIGURES_KEPT_ON_WRITE = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Lockout (django-axes, keyplan.security.lockout): 10 failed sign-ins for one user from
# one address, or 50 from one address across users, within 15 minutes refuse further
# sign-ins from there for 15 minutes, the right password too. Never by user alone, so
# nobody can lock an administrator out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's password check, refused where KEYPLAN_PASSWORD_LOGIN says so.
    "keyplan.security.sso.backends.PasswordBackend",
    # Single sign-on (keyplan.security.sso): inert until KEYPLAN_OIDC_ISSUER is set.
    "keyplan.security.sso.backends.ProviderBackend",
]
AXES_HANDLER = "keyplan.security.lockout.UserAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 10
KEYPLAN_SIGNIN_ADDRESS_LIMIT = 50
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True  # a user's own sign-in clears their failures from there
AXES_LOCKOUT_CALLABLE = "keyplan.security.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "keyplan.security.addresses.client_address"
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken", "code"]  # code: MFA
AXES_VERBOSE = False
KEYPLAN_BEHIND_PROXY = env_flag("KEYPLAN_BEHIND_PROXY")

# Sessions (keyplan.security.sessions): a working day from sign-in, and an idle
# timeout; the cookie and the stored session expire with the idle time.
KEYPLAN_SESSION_SECONDS = int(float(os.environ.get("KEYPLAN_SESSION_HOURS") or 8) * 3600)
KEYPLAN_SESSION_IDLE_SECONDS = int(
    float(os.environ.get("KEYPLAN_SESSION_IDLE_MINUTES") or 120) * 60
)
SESSION_COOKIE_AGE = min(KEYPLAN_SESSION_SECONDS, KEYPLAN_SESSION_IDLE_SECONDS)
SESSION_COOKIE_SAMESITE = "Lax"  # links from a digest email arrive signed in; posts do not
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages put the token in the page; no script reads the cookie

# Two-step sign-in (keyplan.security.mfa): the name authenticator apps show beside the
# login. A wrong code counts towards the lockout above; django-otp also makes each
# device wait 1, 2, 4... seconds after consecutive wrong codes, from any address.
OTP_TOTP_ISSUER = "keyplan"

# API tokens (keyplan.api.tokens): the lifetime of a new one, and how recent a sign-in
# must be to create one on the profile page (older: the password is asked again).
KEYPLAN_TOKEN_DAYS = int(os.environ.get("KEYPLAN_TOKEN_DAYS") or 90)
KEYPLAN_TOKEN_SIGNIN_SECONDS = 600

# Single sign-on with OpenID Connect (keyplan.security.sso, README "Single sign-on"):
# the provider's issuer (its discovery document names everything else) and this
# client's registration. The redirect URI to register is {KEYPLAN_BASE_URL}/sso/callback/.
KEYPLAN_OIDC_ISSUER = os.environ.get("KEYPLAN_OIDC_ISSUER", "").strip().rstrip("/")
KEYPLAN_OIDC_CLIENT_ID = os.environ.get("KEYPLAN_OIDC_CLIENT_ID", "").strip()
KEYPLAN_OIDC_CLIENT_SECRET = os.environ.get("KEYPLAN_OIDC_CLIENT_SECRET", "")
KEYPLAN_OIDC_NAME = os.environ.get("KEYPLAN_OIDC_NAME", "").strip()  # "Sign in with ..."
# The claim with the user's groups or roles (a dotted path reaches nested ones) and the
# map `claim-value=role,...`; without a map new users get the default role and keep
# whatever an administrator gives them.
KEYPLAN_OIDC_ROLE_CLAIM = os.environ.get("KEYPLAN_OIDC_ROLE_CLAIM", "").strip() or "roles"
KEYPLAN_OIDC_ROLE_MAP = os.environ.get("KEYPLAN_OIDC_ROLE_MAP", "").strip()
KEYPLAN_PASSWORD_LOGIN = (os.environ.get("KEYPLAN_PASSWORD_LOGIN") or "all").strip().lower()
# mozilla-django-oidc, underneath: the code flow with PKCE (S256) and a nonce.
OIDC_RP_SCOPES = os.environ.get("KEYPLAN_OIDC_SCOPES", "").strip() or "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"

# The audit trail (keyplan.audit): how many days an event is kept before
# `keyplan audit --prune` (a cron line) deletes it.
KEYPLAN_AUDIT_DAYS = int(os.environ.get("KEYPLAN_AUDIT_DAYS") or 365)

# Content-Security-Policy (django-csp): scripts only from keyplan's own static files, or
# inline with the request's nonce ({{ request.csp_nonce }}); no eval. Styles may be
# inline: the pages and their server-drawn SVG charts use style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("KEYPLAN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # for `keyplan collectstatic` behind a web server
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from the packages' static folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Largest file `keyplan import` and the upload pages accept (bytes), and the most one
# upload may send and keep, its files together (a larger request is refused unread).
KEYPLAN_IMPORT_MAX_BYTES = int(os.environ.get("KEYPLAN_IMPORT_MAX_BYTES") or 20 * 1024 * 1024)
KEYPLAN_IMPORT_MAX_TOTAL_BYTES = int(
    os.environ.get("KEYPLAN_IMPORT_MAX_TOTAL_BYTES") or 100 * 1024 * 1024
)
# Paper of the PDF exports, a4 or letter (`keyplan export --paper` overrides it).
KEYPLAN_PAPER = os.environ.get("KEYPLAN_PAPER", "a4").strip().lower()

# Where people open keyplan: links in digests (pages use the address they were asked at).
KEYPLAN_BASE_URL = (
    os.environ.get("KEYPLAN_BASE_URL")
    or (f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000")
).rstrip("/")

# Outgoing mail (the weekly digests): an SMTP server, STARTTLS with _USE_TLS, or TLS
# from the first byte with _USE_SSL (usually port 465).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("KEYPLAN_EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("KEYPLAN_EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("KEYPLAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEYPLAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_flag("KEYPLAN_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_flag("KEYPLAN_EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("KEYPLAN_EMAIL_TIMEOUT") or 30)
DEFAULT_FROM_EMAIL = os.environ.get("KEYPLAN_EMAIL_FROM") or "keyplan <keyplan@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_DATE_INDEX = "composite"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    # __Host-: the browser takes these cookies only over HTTPS, for the whole site and
    # from this host alone, so no sibling subdomain can set or shadow them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host != "*"]
    if KEYPLAN_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEYPLAN_LOG_LEVEL", "WARNING")},
}
