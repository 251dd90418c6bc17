"""Settings for factcheck, read from the environment.

With no environment at all the project runs on SQLite and a filesystem broker
under ./var, so a fresh checkout needs no services. DATABASE_URL switches to
PostgreSQL and REDIS_URL to a Redis broker and cache. A bad value stops start-up
with a message that names the variable.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Let Django's generic classes be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name, "true" if default else "false").lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(name: str, default: int) -> int:
    value = env_str(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_float(name: str, default: float) -> float:
    value = env_str(name, str(default))
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name}={value!r} must not be negative.")
    return number


def env_probability(name: str) -> float | None:
    """Return a probability (0 to 1), or None when the variable is not set."""
    if not env_str(name):
        return None
    value = env_float(name, 0.0)
    if value > 1:
        raise ImproperlyConfigured(f"{name}={value!r} is a probability: at most 1.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_ports(name: str, default: str) -> list[int]:
    ports = env_list(name, default)
    if not all(port.isdigit() and 0 < int(port) < 65536 for port in ports):
        raise ImproperlyConfigured(f"{name}={','.join(ports)!r} is not a list of port numbers.")
    return [int(port) for port in ports]


def env_fetch_hosts(name: str) -> list[str]:
    """Hosts as `host`, `host:port` or `host:*` (a port, or every port, opened with the host)."""
    hosts = env_list(name)
    for host in hosts:
        port = host.rpartition("]")[2] if host.startswith("[") else host
        port = port.rpartition(":")[2] if port.count(":") == 1 else ""
        if port and port != "*" and not (port.isdigit() and 0 < int(port) < 65536):
            raise ImproperlyConfigured(f"{name}: {host!r} names no valid port (host:port).")
    return [host.lower() for host in hosts]


def env_database(name: str, default_sqlite_path: Path) -> dict[str, Any]:
    """Return a DATABASES entry from a postgres:// or sqlite:/// URL."""
    url = env_str(name)
    if not url:
        return sqlite_database(default_sqlite_path)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if not parts.path or parts.path == "/":
            raise ImproperlyConfigured(f"{name}={url!r} names no file; use sqlite:////abs/path.")
        return sqlite_database(Path(unquote(parts.path)))
    if parts.scheme in ("postgres", "postgresql"):
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(f"{name}={url!r} names no database.")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # A database that does not answer (a host gone, a failover) fails a request in
            # seconds, answered 503 (factcheck/outage.py), not at the OS's TCP timeout.
            "OPTIONS": {"connect_timeout": 5},
        }
    raise ImproperlyConfigured(
        f"{name}={url!r} has an unsupported scheme; use postgres://… or sqlite:///…"
    )


def sqlite_database(path: Path) -> dict[str, Any]:
    path.parent.mkdir(parents=True, exist_ok=True)  # ./var on a fresh checkout
    # WAL and IMMEDIATE transactions let the web process and the worker write
    # to one file without "database is locked" errors.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": path.with_name(f"test_{path.name}")},
    }


def env_header(name: str) -> tuple[str, str] | None:
    """Return a request header and the value that marks it ("X-Forwarded-Proto: https"),
    as Django's SECURE_PROXY_SSL_HEADER names it, or None when the variable is not set."""
    value = env_str(name)
    if not value:
        return None
    header, colon, marker = value.partition(":")
    if not colon or not header.strip() or not marker.strip():
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a header and a value, e.g. 'X-Forwarded-Proto: https'."
        )
    meta_name = "HTTP_" + header.strip().upper().replace("-", "_")
    return meta_name, marker.strip()


def env_redis_url(name: str) -> str:
    url = env_str(name)
    if url and urlsplit(url).scheme not in ("redis", "rediss"):
        raise ImproperlyConfigured(f"{name}={url!r} is not a redis:// or rediss:// URL.")
    return url


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 32 characters "
        '(for example: python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlsplit(SITE_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} is not an http(s) URL.")

# Served over HTTPS (docs/operations.md, "In production"): each setting is on by default when
# SITE_URL is https and can be set on its own. Behind a proxy that ends TLS, name the header
# it sets in SECURE_PROXY_SSL_HEADER, or every request looks like http and is redirected.
HTTPS = urlsplit(SITE_URL).scheme == "https"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Preloading is a promise to browsers that is slow to take back: only when asked.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "factcheck",
    "claims",
    "reviewers",
    "newsroom.apps.NewsroomConfig",
]

MIDDLEWARE = [
    # First: the probes are answered before host checks and the https redirect.
    "factcheck.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "factcheck.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "factcheck.outage.DatabaseUnavailableMiddleware",  # a database outage is a 503
    "axes.middleware.AxesMiddleware",  # answers a locked-out log-in; axes wants it last
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Log-in lockout (django-axes, factcheck/lockout.py), for the admin's log-in form and the
# token endpoint alike: LOGIN_FAILURE_LIMIT wrong passwords for one user from one address,
# or LOGIN_USER_FAILURE_LIMIT for one user from anywhere, lock out for LOGIN_LOCKOUT_MINUTES.
# Admins see the locks under "Axes → Access attempts" and lift one by deleting it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Permissions read as ModelBackend does, in SQL written once (factcheck/auth.py).
    "factcheck.auth.PermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "factcheck.lockout.PairAndUserLockout"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]  # the order lockout.py reads
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_USER_FAILURE_LIMIT = env_int("LOGIN_USER_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "factcheck.throttling.client_address"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves the admin's static files straight from the installed apps, so no
# deployment needs a collectstatic step.
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "factcheck.parsers.JSONParser",  # DRF's, with a 400 for JSON nested too deep
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "factcheck.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Published fact checks (public) and the newsroom's workflow (token).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ReviewStateEnum": "reviewers.models.Review.State",
        "ArticleStatusEnum": "claims.models.Article.Status",
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "ProviderJobStatusEnum": "claims.models.ProviderJob.Status",
        "WebhookDeliveryStatusEnum": "reviewers.models.WebhookDelivery.Status",
        "WebhookEventEnum": "reviewers.models.WebhookSubscription.Event",
    },
}

# Celery. The database holds the state of all work, so task results are not kept.
REDIS_URL = env_redis_url("REDIS_URL")
BROKER_DIR = Path(env_str("BROKER_DIR", str(VAR_DIR / "broker")))
# Redis hands a message out again when it has not been acknowledged for this long. It must
# be longer than any countdown (a webhook's retry waits up to 32 minutes), or a message
# waiting for its time is handed out twice; recovery never waits for it, since the sweep
# sends lost work again after STUCK_AFTER (docs/operations.md, "Recovering from faults").
BROKER_VISIBILITY_TIMEOUT = 3600
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT
    }
else:
    # The filesystem transport is a real broker that needs no server: the web
    # process and the worker exchange messages as files in BROKER_DIR. It is named by
    # class (a URL could only name kombu's own, which can hand out half-written messages).
    CELERY_BROKER_URL = "localhost"
    CELERY_BROKER_TRANSPORT = "factcheck.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.2,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Queues by latency class, so a backlog of bulk work never stands in front of what an editor
# waits for. A worker started without -Q consumes all three (the zero-config set-up, the
# demo); docker compose runs a worker for each. Tasks not routed here go to "default".
CELERY_TASK_QUEUES: dict[str, dict[str, str]] = {"interactive": {}, "default": {}, "bulk": {}}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "claims.tasks.gather_from_provider": {"queue": "interactive"},
    "reviewers.tasks.deliver_webhook": {"queue": "interactive"},
    "claims.tasks.requeue_stuck_work": {"queue": "interactive"},
    "reviewers.tasks.requeue_webhook_deliveries": {"queue": "interactive"},
    "claims.tasks.notify_tip_readers": {"queue": "interactive"},
    "claims.tasks.match_claim": {"queue": "bulk"},
    "claims.tasks.index_external_reviews": {"queue": "bulk"},
    "claims.tasks.refresh_match_headline": {"queue": "bulk"},
    "claims.tasks.refresh_stale_match_entries": {"queue": "bulk"},
}
# A worker takes one message at a time per process: a prefetched message waits behind the
# task in hand (however urgent its queue), and is held unacknowledged if the worker dies.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every acks_late task is idempotent, so a task whose process died (killed, out of memory)
# goes back to its queue instead of being acknowledged and forgotten.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker that loses the broker keeps trying to reconnect, for as long as it takes.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# The sweep (claims/sweep.py) sends again whatever the database shows as waiting; it runs
# often so that work resumes within a minute of a lost message, worker, Redis or PostgreSQL:
# work presumed lost after STUCK_AFTER (50 s, factcheck/limits.py) is sent within 5 s more.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat writes its schedule file after every task it sends (by default every three minutes):
# a beat killed and started again then knows what it last sent, and does not send it again
# at once for the same due time.
CELERY_BEAT_SYNC_EVERY = 1
# Each sending expires when the next is due: with no worker running, sweeps do not pile up
# in the queue to run back to back (and at once, two by two) when a worker comes back.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "requeue-stuck-work": {
        "task": "claims.tasks.requeue_stuck_work",
        "schedule": 5.0,
        "options": {"expires": 5.0},
    },
    "poll-due-feeds": {
        "task": "claims.tasks.poll_due_feeds",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "requeue-webhook-deliveries": {
        "task": "reviewers.tasks.requeue_webhook_deliveries",
        # As often as the sweep: a delivery whose worker died mid-POST is sent again within
        # its lease (STUCK_AFTER) + 5 s, inside the minute that recovery is held to.
        "schedule": 5.0,
        "options": {"expires": 5.0},
    },
}

# The cache holds the API throttles' counts of requests per address. Every web process must
# add to the same count, or a limit of 10 a minute becomes 10 a minute per process: with
# REDIS_URL the count lives in that Redis, beside the broker's keys under a prefix of its own
# (so never call cache.clear(): Redis would empty the whole database, queues included).
# Without it (the zero-config set-up) each process counts in its own memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "factcheck",
            # A throttled request waits on Redis: fail in seconds, not at the OS timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The workers' heartbeats (factcheck/heartbeat.py), read by the web's readiness check and by
# `manage.py worker_health`: where every process sees them, as it sees the broker.
if REDIS_URL:
    CACHES["heartbeats"] = {**CACHES["default"], "KEY_PREFIX": "factcheck-heartbeat"}
else:
    CACHES["heartbeats"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BROKER_DIR / "heartbeats"),
    }

# Outbound HTTP (claims/ingestion/fetching.py). FETCH_ALLOWED_HOSTS lets tests and
# intranets reach hosts that the address rules would otherwise refuse; their ports stay
# those of FETCH_ALLOWED_PORTS unless an entry names one (host:port, or host:* for tests).
FETCH_ALLOWED_HOSTS = env_fetch_hosts("FETCH_ALLOWED_HOSTS")
FETCH_ALLOWED_PORTS = env_ports("FETCH_ALLOWED_PORTS", "80,443")
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 5_000_000)
FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 10)
FETCH_MAX_REDIRECTS = 5
# Politeness across all workers: seconds between two fetches from one host while gathering.
FETCH_HOST_INTERVAL_SECONDS = env_float("FETCH_HOST_INTERVAL_SECONDS", 0.5)
FETCH_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck)"

# Evidence providers (claims/evidence/sources/). The archive and the article's own links need
# nothing; the others are on when their endpoint is configured. EVIDENCE_PROVIDERS
# narrows the list further (empty: every provider that is configured).
EVIDENCE_FEEDS = env_list("EVIDENCE_FEEDS")
SEARXNG_URL = env_str("SEARXNG_URL")
MEDIAWIKI_API_URL = env_str("MEDIAWIKI_API_URL")
CLAIMREVIEW_API_URL = env_str("CLAIMREVIEW_API_URL")
CLAIMREVIEW_API_KEY = env_str("CLAIMREVIEW_API_KEY")
EVIDENCE_PROVIDERS = env_list("EVIDENCE_PROVIDERS")

# Evidence a reviewer uploads (claims/ingestion/documents.py). A request whose declared
# length is over the cap is refused before its body is read (factcheck/uploads.py).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10_000_000)
UPLOAD_MAX_PAGES = env_int("UPLOAD_MAX_PAGES", 300)
FILE_UPLOAD_HANDLERS = [
    "factcheck.uploads.UploadCapHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Claim candidates of an article in a language no check-worthiness model reads: at most
# this many, chosen by numbers, quotations, names and reporting verbs
# (claims/extraction/signals.py); the article's note says how many of how many.
UNSCORED_CANDIDATES_PER_ARTICLE = env_int("UNSCORED_CANDIDATES_PER_ARTICLE", 25)
if UNSCORED_CANDIDATES_PER_ARTICLE < 1:
    raise ImproperlyConfigured("UNSCORED_CANDIDATES_PER_ARTICLE must be at least 1.")

# Checked before? (claims/matching/services.py). Scores are the matcher's calibrated
# probability that two texts state the same claim: from MATCH_POSSIBLE_THRESHOLD a match is
# suggested to editors, from MATCH_SAME_CLAIM_THRESHOLD it is flagged as likely the same
# claim (an editor still confirms it). Unset, each is the engine's own default, chosen from
# data (claims/matching/engine/reranker.json).
MATCH_POSSIBLE_THRESHOLD = env_probability("MATCH_POSSIBLE_THRESHOLD")
MATCH_SAME_CLAIM_THRESHOLD = env_probability("MATCH_SAME_CLAIM_THRESHOLD")
# From this many stored vectors on, each worker's match index finds the nearest through an
# approximate (HNSW) graph instead of comparing every vector; unset, the engine's measured
# crossing (claims/matching/engine/vectors.py).
MATCH_EXACT_SEARCH_BELOW = env_int("MATCH_EXACT_SEARCH_BELOW", 0) or None
# Where a worker keeps its match index on disk, to read it back when it starts again instead
# of building it from the table (claims/matching/snapshot.py); empty: nowhere.
MATCH_INDEX_SNAPSHOT = env_str("MATCH_INDEX_SNAPSHOT", str(VAR_DIR / "match-index.pickle"))
# ...once it holds this many entries (below, building it from the table takes seconds).
MATCH_INDEX_SNAPSHOT_FROM = env_int("MATCH_INDEX_SNAPSHOT_FROM", 20_000)

# The organisation that publishes checks, as named in ClaimReview JSON-LD.
PUBLISHER_NAME = env_str("PUBLISHER_NAME", "factcheck demo newsroom")
PUBLISHER_URL = env_str("PUBLISHER_URL", SITE_URL)

# How many reverse proxies stand in front of the web process, each appending to
# X-Forwarded-For (factcheck/throttling.py client_address). 0: the header is ignored and the
# socket's address is the client's; a larger number than the real chain lets callers forge it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must not be negative.")

# Requests a minute one address may make to the public API (checks, ClaimReview).
PUBLIC_API_RATE = env_str("PUBLIC_API_RATE", "600/minute")

# Readers' tips one address may send (the form and POST /api/v1/tips/ together).
TIP_RATE = env_str("TIP_RATE", "10/hour")

# Email: readers who leave an address are told when their claim's check is published.
# The console backend (the default) writes the messages to the log instead of sending them.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes logs every log-in at INFO; its warnings (a lockout) are what operators need.
    "loggers": {"axes": {"level": "WARNING"}},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
