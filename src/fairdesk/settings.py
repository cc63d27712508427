"""fairdesk settings, read from the environment (see README "Configuration")."""

from __future__ import annotations

import urllib.parse
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fairdesk.core.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")  # required: no default secret outside DEBUG
    # Django's deploy check asks for 50 characters and 5 distinct ones; refuse to start below that.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 random characters when DEBUG is off "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused CSRF check is the site's error page in the caller's language (Django's own has inline style).
CSRF_FAILURE_VIEW = "fairdesk.core.pages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from our own static files (no CDN, no inline script)
    "csp",
    "channels",  # the live channel (core/live.py); served by uvicorn on fairdesk.asgi, never daphne
    "fairdesk.core",
    "fairdesk.accounts",
    "fairdesk.regions",
    "fairdesk.bookings",
    "fairdesk.notify",
    "fairdesk.dispatch",
    "fairdesk.plans",
    "fairdesk.knowledge",
    "fairdesk.courses",
    "fairdesk.support",
    "fairdesk.complaints",
    "fairdesk.transparency",
]

MIDDLEWARE = [
    # Pages are gzip-compressed when the browser asks (BREACH: they carry CSRF tokens; Django's GZipMiddleware
    # adds random padding to each compressed response since 4.2, and the CSRF token is masked per response).
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (collectstatic), pre-compressed (gzip + brotli), cached for a year under
    # their content-hashed names; with DEBUG straight from the finders (core/static.py).
    "fairdesk.core.static.StaticFilesMiddleware",
    "fairdesk.core.middleware.ClientAddressMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fairdesk.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fairdesk.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fairdesk.urls"
WSGI_APPLICATION = "fairdesk.wsgi.application"
ASGI_APPLICATION = "fairdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fairdesk.core.context_processors.business",
                "fairdesk.core.context_processors.demo_clock",
                "fairdesk.core.context_processors.live",
                "fairdesk.accounts.context_processors.staff",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'fairdesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_sqlite), conn_max_age=60)}
# A persistent connection the server dropped (restart, failover, pg_terminate_backend) is replaced before
# the next request uses it, instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env_str("DATABASE_URL", _default_sqlite) == _default_sqlite:
    VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Password sign-in limited per account and per client address (accounts/backends.py).
LOGIN_URL = "/staff/login/"  # staff sign in on their own page; customers verify a phone instead
AUTHENTICATION_BACKENDS = ["fairdesk.accounts.backends.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "fairdesk_language"
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known IANA time zone") from exc

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Production: `collectstatic` (Procfile's release line) writes each file under a content-hashed name with
# .gz and .br copies; templates' {% static %} names the hashed file. With DEBUG, files come from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"  # job photos: never served raw, only through dispatch/photos.py
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background tasks: `database` (django-tasks-db; no other service needed) or `rq` (Redis at REDIS_URL, workers
# `manage.py rqworker <queues> --with-scheduler`, as many as needed on as many machines). Deferred tasks (the
# chains' next link a second later, `run_after`) wait in RQ's scheduled registry until a worker started
# --with-scheduler moves them to their queue (every worker may run it; RQ keeps one scheduler active).
# Queues: `default` (message sending), `periodic_fast` / `periodic_slow` (the core scheduler's lanes).
FAIRDESK_TASK_QUEUES = ["default", "periodic_fast", "periodic_slow"]
FAIRDESK_TASKS_BACKEND = env_str("FAIRDESK_TASKS_BACKEND", "database")
if FAIRDESK_TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": FAIRDESK_TASK_QUEUES}}
elif FAIRDESK_TASKS_BACKEND == "rq":
    REDIS_URL = env_str("REDIS_URL")  # required with rq, e.g. redis://127.0.0.1:6379/0
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # django-tasks-rq's Job runs the Task object (with RQ's own Job: "'Task' object is not callable").
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    # A task running longer than this is stopped (route planning takes seconds per station).
    _rq_timeout = env_int("FAIRDESK_RQ_JOB_TIMEOUT", 600)
    RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": _rq_timeout} for name in FAIRDESK_TASK_QUEUES}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": FAIRDESK_TASK_QUEUES}}
else:
    raise ImproperlyConfigured(f"FAIRDESK_TASKS_BACKEND={FAIRDESK_TASKS_BACKEND!r} must be database or rq")

# The live channel (core/live.py: WebSocket `/ws/live/`, fairdesk.asgi). With FAIRDESK_CHANNEL_LAYER_URL
# (Redis) the web processes (gunicorn) publish through Redis to the separate `live` process (uvicorn,
# deploy/live.sh); without it the in-memory layer, which reaches only sockets served by the same process
# (`manage.py serve`).
FAIRDESK_CHANNEL_LAYER_URL = env_str("FAIRDESK_CHANNEL_LAYER_URL", "")
if FAIRDESK_CHANNEL_LAYER_URL:
    if not FAIRDESK_CHANNEL_LAYER_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("FAIRDESK_CHANNEL_LAYER_URL must be a redis://, rediss:// or unix:// URL")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # A Redis that does not answer fails a publish within seconds (logged; pages poll meanwhile).
                # No socket_timeout: receivers block in BZPOPMIN for 5 s at a time.
                "hosts": [{"address": FAIRDESK_CHANNEL_LAYER_URL, "socket_connect_timeout": 2}],
                # Several sites (or test servers) can share one Redis under different prefixes.
                "prefix": env_str("FAIRDESK_CHANNEL_LAYER_PREFIX", "fairdesk"),
                # Messages waiting in Redis for one live process (channels-redis keys a process's sockets
                # under one list) before new ones are dropped: 500 was reached under the support benchmark.
                "capacity": 100_000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10_000}}
    }
# The WebSocket base the browser connects to: "" = same origin `/ws/live/` (nginx sends /ws/ to the live
# process); else a ws:// or wss:// URL (added to the CSP's connect-src).
FAIRDESK_LIVE_URL = env_str("FAIRDESK_LIVE_URL", "")
if FAIRDESK_LIVE_URL and not FAIRDESK_LIVE_URL.startswith(("ws://", "wss://")):
    raise ImproperlyConfigured("FAIRDESK_LIVE_URL must be empty (same origin) or a ws:// or wss:// URL")

# Reverse proxies of ours in front of the web processes (nginx: 1): the client's address is then taken from
# X-Forwarded-For (core/middleware.py), so per-address limits count clients, not the proxy.
FAIRDESK_PROXY_HOPS = env_int("FAIRDESK_PROXY_HOPS", 0)

# The national 24-hour hotline shown wherever no station's own hotline applies.
FAIRDESK_NATIONAL_HOTLINE = env_str("FAIRDESK_NATIONAL_HOTLINE", "400-820-0000")

# Notifications (see notify/gateways.py). console | webhook | aliyun
FAIRDESK_SMS_BACKEND = env_str("FAIRDESK_SMS_BACKEND", "console")
if FAIRDESK_SMS_BACKEND not in {"console", "webhook", "aliyun"}:
    raise ImproperlyConfigured("FAIRDESK_SMS_BACKEND must be console, webhook or aliyun")
FAIRDESK_SMS_WEBHOOK_URL = env_str("FAIRDESK_SMS_WEBHOOK_URL", "")
FAIRDESK_SMS_WEBHOOK_TOKEN = env_str("FAIRDESK_SMS_WEBHOOK_TOKEN", "")
# The gateway's inbound webhook (POST /notify/sms/inbound/, customers' SMS replies): the bearer token it
# sends. Empty: the webhook is off (404).
FAIRDESK_SMS_INBOUND_TOKEN = env_str("FAIRDESK_SMS_INBOUND_TOKEN", "")
# The support bot's time limit (seconds): a slower or failing bot hands the conversation to a human.
FAIRDESK_BOT_TIMEOUT_SECONDS = env_int("FAIRDESK_BOT_TIMEOUT_SECONDS", 5)
if FAIRDESK_SMS_BACKEND == "webhook" and not FAIRDESK_SMS_WEBHOOK_URL:
    raise ImproperlyConfigured("FAIRDESK_SMS_WEBHOOK_URL must be set for the webhook SMS backend")
ALIYUN_ACCESS_KEY_ID = env_str("ALIYUN_ACCESS_KEY_ID", "")
ALIYUN_ACCESS_KEY_SECRET = env_str("ALIYUN_ACCESS_KEY_SECRET", "")
ALIYUN_SMS_SIGN_NAME = env_str("ALIYUN_SMS_SIGN_NAME", "")
ALIYUN_SMS_TEMPLATE_CODE = env_str("ALIYUN_SMS_TEMPLATE_CODE", "")
ALIYUN_SMS_ENDPOINT = env_str("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
# Web Push (manage.py webpush_keys prints these).
FAIRDESK_VAPID_PUBLIC_KEY = env_str("FAIRDESK_VAPID_PUBLIC_KEY", "")
FAIRDESK_VAPID_PRIVATE_KEY = env_str("FAIRDESK_VAPID_PRIVATE_KEY", "")
FAIRDESK_VAPID_SUBJECT = env_str("FAIRDESK_VAPID_SUBJECT", "mailto:ops@example.com")
# Minutes a technician has to accept an emergency offer before it goes to the next best one.
FAIRDESK_OFFER_MINUTES = env_int("FAIRDESK_OFFER_MINUTES", 3)
# An emergency waiting this long without an accepted job is escalated to the dispatcher (sound, top of the
# board), and its next offer goes to the nearest technician whatever the keep-the-nearest-free rule says.
FAIRDESK_URGENT_ESCALATE_MINUTES = env_int("FAIRDESK_URGENT_ESCALATE_MINUTES", 5)
# Where customers reach this site (links in SMS, e.g. the one-tap "turn auto-renew off").
FAIRDESK_SITE_URL = env_str("FAIRDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Payments: the sandbox provider (`python -m fairdesk.testing.payment_sandbox`; `make run` starts it).
FAIRDESK_PAYMENT_SANDBOX_URL = env_str("FAIRDESK_PAYMENT_SANDBOX_URL", "http://127.0.0.1:8790")
# Demo only: a test clock (like Kill Bill's) that managers can move forward to see renewals happen.
FAIRDESK_TEST_CLOCK = env_bool("FAIRDESK_TEST_CLOCK", False)

# Maps (regions/geocoding.py, dispatch/travel.py). FAIRDESK_GEOCODER=amap with FAIRDESK_AMAP_KEY geocodes
# addresses with AMap's Web Service (and FAIRDESK_TRAVEL=amap asks its distance matrix for travel times);
# without a key, a division's centre stands in, marked approximate, and travel is the straight-line model.
FAIRDESK_GEOCODER = env_str("FAIRDESK_GEOCODER", "none")
if FAIRDESK_GEOCODER not in {"none", "amap"}:
    raise ImproperlyConfigured("FAIRDESK_GEOCODER must be none or amap")
FAIRDESK_AMAP_KEY = env_str("FAIRDESK_AMAP_KEY", "")
FAIRDESK_AMAP_URL = env_str("FAIRDESK_AMAP_URL", "https://restapi.amap.com").rstrip("/")
FAIRDESK_TRAVEL = env_str("FAIRDESK_TRAVEL", "amap" if FAIRDESK_GEOCODER == "amap" else "straight")
if FAIRDESK_TRAVEL not in {"straight", "amap"}:
    raise ImproperlyConfigured("FAIRDESK_TRAVEL must be straight or amap")
# Map tiles for Leaflet (an XYZ template, WGS-84/Web Mercator tiles); its origin is added to the CSP img-src.
FAIRDESK_TILE_URL = env_str("FAIRDESK_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
FAIRDESK_TILE_ATTRIBUTION = env_str("FAIRDESK_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
# Booked-visit capacity: a technician on shift for a whole window takes one visit per this many minutes
# (a typical visit plus travel). Stations without any shifts use their schedule's fixed capacity.
FAIRDESK_MINUTES_PER_VISIT = env_int("FAIRDESK_MINUTES_PER_VISIT", 60)
# Reminders before a visit, in hours; quiet hours (local time) hold non-urgent SMS.
FAIRDESK_REMINDER_HOURS = [int(h) for h in env_list("FAIRDESK_REMINDER_HOURS", ["24", "2"])]
FAIRDESK_QUIET_HOURS = env_str("FAIRDESK_QUIET_HOURS", "22:00-08:00")  # or "off"
# How often an open emergency's status page asks for news (seconds; the page never reloads itself).
FAIRDESK_STATUS_POLL_SECONDS = env_int("FAIRDESK_STATUS_POLL_SECONDS", 15)
FAIRDESK_NOTIFY_MAX_ATTEMPTS = env_int("FAIRDESK_NOTIFY_MAX_ATTEMPTS", 6)
FAIRDESK_NOTIFY_LEASE_SECONDS = env_int("FAIRDESK_NOTIFY_LEASE_SECONDS", 60)
FAIRDESK_NOTIFY_BATCH = env_int("FAIRDESK_NOTIFY_BATCH", 200)
FAIRDESK_NOTIFY_THREADS = env_int("FAIRDESK_NOTIFY_THREADS", 16)


SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe over plain HTTP: the health endpoint answers there instead of redirecting.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp 4): scripts and styles from our own origin only, no inline code or eval.
# Page scripts live in static/fairdesk/*.js and read their values from data- attributes; htmx is told not to
# inject its indicator <style> (base.html's htmx-config meta). The one inline <style> Django's admin can write
# (change_list.html, for an admin that sets actions_on_top and actions_on_bottom to False) is allowed by its
# hash; a test recomputes it from the installed Django so an upgrade that changes it fails loudly.
ADMIN_CHANGE_LIST_STYLE_HASH = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", ADMIN_CHANGE_LIST_STYLE_HASH],
        "img-src": ["'self'", "data:"],  # Swagger UI's and the admin's icons are data: URLs
        # 'self' covers the same origin's ws:/wss: (CSP 3; checked in Chromium by test_live_browser.py); a
        # live process on another origin (FAIRDESK_LIVE_URL) is added below.
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
_tiles = urllib.parse.urlsplit(FAIRDESK_TILE_URL)
if _tiles.scheme in {"http", "https"} and _tiles.netloc:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
if FAIRDESK_LIVE_URL:
    _live = urllib.parse.urlsplit(FAIRDESK_LIVE_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"].append(f"{_live.scheme}://{_live.netloc}")
if env_str("FAIRDESK_CSP_REPORT_URI", ""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env_str("FAIRDESK_CSP_REPORT_URI")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
