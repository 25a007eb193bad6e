"""Settings for the safety portal.

One module for every deployment: each difference between a laptop, CI and production is read from the
environment (see docs/configuration.md). Without any variable set, the portal runs on an SQLite file and an
embedded filesystem broker, so that a new user needs neither PostgreSQL nor Redis.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

from safetyportal import config
from safetyportal.config import Relation, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", False)
# Test runs (pytest or TESTING=1) get HTTP-friendly defaults and a local secret key.
TESTING = env_bool("TESTING", False) or "pytest" in sys.modules
# The local run profile (`make run`): production settings (DEBUG off, WhiteNoise, Chinese error pages) on one
# machine, with keys generated once and kept in var/ and plain HTTP on localhost. Never set in production.
LOCAL_RUN = env_bool("LOCAL_RUN", False)
# Where keys may be generated locally and localhost defaults apply.
LOCAL_KEYS = DEBUG or TESTING or LOCAL_RUN


def _local_secret_key() -> str:
    """Development and tests only: a random key kept in var/ on this machine (never committed)."""
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not LOCAL_KEYS:
        raise config.fail("SECRET_KEY", None, "未设置：关闭 DEBUG 运行时必须设置（50 个以上随机字符）")
    SECRET_KEY = _local_secret_key()
elif not LOCAL_KEYS and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise config.fail("SECRET_KEY", SECRET_KEY, "太短或太简单：应为 50 个以上的随机字符", secret=True)

# ID numbers at rest (safetyportal/crypto.py, docs/security.md): AES-GCM keys (the first encrypts, all decrypt) and
# a separate key for the HMAC lookup column. Development, tests and the local run get local keys kept in var/.
FIELD_ENCRYPTION_KEY = env_list("FIELD_ENCRYPTION_KEY")
FIELD_HMAC_KEY = env_str("FIELD_HMAC_KEY", "")
if LOCAL_KEYS:
    from safetyportal.crypto import local_key

    FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or [local_key(VAR_DIR / "dev-field-encryption-key")]
    FIELD_HMAC_KEY = FIELD_HMAC_KEY or local_key(VAR_DIR / "dev-field-hmac-key")
else:
    from safetyportal.crypto import check_keys

    check_keys(FIELD_ENCRYPTION_KEY, FIELD_HMAC_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if LOCAL_KEYS else "")
CSRF_TRUSTED_ORIGINS = config.env_origins("CSRF_TRUSTED_ORIGINS")
# Public address used in QR codes, e-mails and PDFs (never taken from the request's Host header).
# The local run profile (`make run`) follows PORTAL_ADDR, so a demo on another port prints QR codes that work.
SITE_URL = config.env_site_url(
    "SITE_URL",
    f"http://{os.environ.get('PORTAL_ADDR', '').strip() or '127.0.0.1:8000'}"
    if LOCAL_KEYS
    else "http://127.0.0.1:8000",
)

# The office this installation serves; shown in the admin header and on documents.
CITY_NAME = env_str("CITY_NAME", "晋江市")
OFFICE_NAME = env_str("OFFICE_NAME", f"{CITY_NAME}安全生产委员会办公室")

INSTALLED_APPS = [
    "safetyportal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "safetyportal.apps.AxesConfig",
    # Second factor (TOTP, recovery codes) for every staff and officer login: see docs/accounts.md.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "import_export",
    "phonenumber_field",
    "safetyportal.apps.SafetyPortalConfig",
    # After the core app and django_otp: its admin module replaces their registrations (autodiscover runs in order).
    "safetyportal.accounts.apps.AccountsConfig",
    "campaigns.apps.CampaignsConfig",
    "training.apps.TrainingConfig",
    "inspections.apps.InspectionsConfig",
    "publicity.apps.PublicityConfig",
    "committee.apps.CommitteeConfig",
]

MIDDLEWARE = [
    # Outermost: request metrics (django-prometheus) and the request id every log line carries (safetyportal/logs.py).
    "safetyportal.metrics.PrometheusBeforeMiddleware",
    "safetyportal.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that can answer by itself (the forwarded-host guard's 400, WhiteNoise), so that those
    # responses carry the policy too.
    "csp.middleware.CSPMiddleware",
    "safetyportal.middleware.ForwardedHostGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A view's refusals that need no request body (the /verify/ upload's limit and size cap), before CSRF reads it.
    "safetyportal.middleware.EarlyRefusalMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then a signed-in session without a verified second factor counts as anonymous.
    "django_otp.middleware.OTPMiddleware",
    "safetyportal.accounts.middleware.VerifiedSessionMiddleware",
    "safetyportal.middleware.SessionLifetimeMiddleware",
    "safetyportal.middleware.AuditActorMiddleware",  # the signed-in user is the actor of role changes (audit log)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safetyportal.middleware.PrivateCacheMiddleware",
    "axes.middleware.AxesMiddleware",
    "safetyportal.metrics.PrometheusAfterMiddleware",  # last: latency by view
]

ROOT_URLCONF = "safetyportal.urls"
WSGI_APPLICATION = "safetyportal.wsgi.application"

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
                "safetyportal.context_processors.office",
            ],
        },
    },
]

# Database: DATABASE_URL, or an SQLite file in WAL mode for the embedded default.
DATABASE_URL = config.env_database_url("DATABASE_URL")
# Persistent connections (one per worker process/thread): opening one costs more than a short public request
# (PostgreSQL: a backend per connection; SQLite: the schema parsed again). 0 = a new connection per request.
DB_CONN_MAX_AGE = config.env_int("DB_CONN_MAX_AGE", 60, min=0, max=3600, unit="秒")
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)
        }
    except ValueError as error:
        raise config.fail("DATABASE_URL", None, f"无法解析（{error}）") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "portal.sqlite3"),
            "CONN_MAX_AGE": DB_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory, so that a worker process started by the tests sees the test database.
            # One file per test run, so that parallel runs on one machine do not share it.
            "TEST": {"NAME": str(VAR_DIR / f"test-portal-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker and cache when REDIS_URL is set; otherwise the embedded filesystem broker and a local cache.
REDIS_URL = config.env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
            # Fail fast when Redis is down instead of hanging the request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 (Django's recommended hasher, its default cost) for every new hash; a PBKDF2 hash still logs in and is
# re-hashed to Argon2 at that login (docs/accounts.md).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Keyboard patterns, repeats, sequences and the user's own name, scored by zxcvbn (see docs/accounts.md).
    {"NAME": "safetyportal.password_validation.GuessablePasswordValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Second factor (django-otp). Wrong codes are throttled per device (1, 2, 4, 8 … seconds after each failure) and a
# pending login ends after OTP_PENDING_MAX_FAILURES wrong codes (the password, counted by axes, is asked again).
OTP_TOTP_ISSUER = OFFICE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_PENDING_SECONDS = env_int("OTP_PENDING_SECONDS", 10 * 60, min=60, max=60 * 60, unit="秒")
OTP_PENDING_MAX_FAILURES = 5
# django-otp doubles the wait after each wrong code without a ceiling; capped (safetyportal/accounts/services.py).
OTP_THROTTLE_MAX_SECONDS = 15 * 60
OTP_RECOVERY_CODES = 10

# Sessions: idle timeout (cookie age renewed on each request) and an absolute limit enforced by middleware.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, min=60, max=24 * 60 * 60, unit="秒")
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env_int(
    "SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, min=5 * 60, max=7 * 24 * 60 * 60, unit="秒"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Brute-force protection: per username and address, with a cool-off so nobody can lock an officer out for good.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, min=1, max=100, unit="次")
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, min=1, max=7 * 24 * 60, unit="分钟"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_CLIENT_IP_CALLABLE = "safetyportal.net.lockout_address"  # IPv6 counted per /64, like the rate limits
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Number of reverse proxies in front of the portal whose X-Forwarded-For is trusted (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, min=0, max=10, unit="层代理")

# Language and time: Chinese for everyone, whatever the browser asks; dates in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The local run serves the files straight from the finders (no collectstatic, which compresses ~145 MB for minutes).
WHITENOISE_USE_FINDERS = LOCAL_KEYS
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# ECharts comes from the npm registry (package.json); collected as a static file, never from a CDN.
ECHARTS_DIST = BASE_DIR / "node_modules" / "echarts" / "dist"
if ECHARTS_DIST.is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", ECHARTS_DIST))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL_KEYS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Photos (safetyportal/images.py): per-file size and the pixel cap above which Pillow refuses to decode.
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_MB", 10, min=1, max=100, unit="MB") * 1024 * 1024
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 50_000_000, min=1_000_000, max=100_000_000, unit="像素")
# Attachments of returns and notices (safetyportal/uploads.py): PDF, DOCX, XLSX, JPEG/PNG up to this size each.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20, min=1, max=80, unit="MB") * 1024 * 1024

# Security headers. HTTPS settings default to on in production and can be relaxed for a plain-HTTP lab.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, min=0, max=2 * 31536000, unit="秒")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
_https = env_bool("HTTPS", not LOCAL_KEYS)
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# django-import-export: permission codes (its default lets anyone who can open a changelist import).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# Formula escaping is done by safetyportal.spreadsheets on every export path (the library's own strips one "=").
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# Celery. With REDIS_URL the broker and results live in Redis; without it, the filesystem transport lets a real
# worker process run tasks with no server at all (the embedded default).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# Test runs get their own broker folders, so a running demo worker never takes a test's messages.
_fs_suffix = f"-test-{os.getpid()}" if TESTING else ""
_results_dir = Path(os.environ.get("CELERY_FS_RESULTS_DIR", VAR_DIR / f"celery-results{_fs_suffix}"))
CELERY_RESULT_BACKEND = REDIS_URL or f"file://{_results_dir}"
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, min=60, max=7 * 24 * 60 * 60, unit="秒")
if not REDIS_URL:
    _broker_dir = Path(os.environ.get("CELERY_FS_BROKER_DIR", VAR_DIR / f"broker{_fs_suffix}"))
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    _results_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # Check the queue folder every 0.1 s (default 1 s): a free worker otherwise idles up to a second per task.
        "polling_interval": 0.1,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Redis redelivers an unacknowledged task after this many seconds; the database sweeper does better. It must
        # exceed the task time limit, or a task still running is handed to a second worker (checked at the end).
        "visibility_timeout": _visibility_timeout,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # A publish with Redis down gives up at once (kombu would sleep 2 s first): the row stays queued and the
        # sweeper publishes it again. The worker's own reconnection loop passes its own retry settings.
        "max_retries": 1,
        "interval_start": 0,
    }
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Seconds. The soft limit (default: 30 s less) lets a task stop cleanly and record the failure on its row before
# the hard limit kills the process.
CELERY_TASK_TIME_LIMIT = env_int(
    "CELERY_TASK_TIME_LIMIT", 300, min=60, max=24 * 60 * 60, unit="秒", why="软超时默认比它少 30 秒"
)
CELERY_TASK_SOFT_TIME_LIMIT = env_int(
    "CELERY_TASK_SOFT_TIME_LIMIT", CELERY_TASK_TIME_LIMIT - 30, min=30, max=24 * 60 * 60, unit="秒"
)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int(
    "CELERY_WORKER_MAX_MEMORY_KB",
    400_000,
    min=300_000,
    max=64_000_000,
    unit="KB",
    why="生成一份文书时子进程的内存峰值约 263 MB（benchmarks/README.md），更小的值会使子进程每个任务后都重启",
)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Queues by kind (docs/scaling.md): workers on separate hosts can take one kind each (celery worker -Q documents), so
# a big import never delays a notice. A worker started without -Q (manage.py runportal, the tests) consumes them all.
# "celery" holds everything else (maintenance: sweeper, statuses, heartbeats).
PORTAL_QUEUES = ("celery", "documents", "imports", "messages")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in PORTAL_QUEUES]
CELERY_TASK_ROUTES = {
    "documents.render": {"queue": "documents"},
    "training.validate_import": {"queue": "imports"},
    "training.run_import": {"queue": "imports"},
    "campaigns.send_reminders": {"queue": "messages"},
    "campaigns.send_sign_reminders": {"queue": "messages"},
    "inspections.flag_overdue_hazards": {"queue": "messages"},
    "inspections.send_tracking_code_sms": {"queue": "messages"},
    "messaging.deliver": {"queue": "messages"},
    "messaging.sweep": {"queue": "messages"},
    "committee.send_meeting_reminders": {"queue": "messages"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each app adds its periodic jobs here (see safetyportal/celery.py for the health check).
CELERY_BEAT_SCHEDULE: dict = {
    # One heartbeat per queue each minute, recorded by whichever worker takes it (/readyz, safetyportal/probes.py);
    # one left unconsumed expires instead of piling up.
    **{
        f"portal-heartbeat-{queue}": {
            "task": "safetyportal.tasks.heartbeat",
            "schedule": timedelta(minutes=1),
            "args": [queue],
            "options": {"queue": queue, "expires": 60},
        }
        for queue in PORTAL_QUEUES
    },
    "documents-sweep": {"task": "documents.sweep", "schedule": timedelta(seconds=60)},
    # Messages left pending (broker down at commit, worker lost) are published again (docs/messaging.md).
    "messaging-sweep": {"task": "messaging.sweep", "schedule": timedelta(minutes=5)},
    # Hazards past their rectification deadline are flagged once and their units notified (inspections app).
    "inspections-flag-overdue": {"task": "inspections.flag_overdue_hazards", "schedule": timedelta(hours=1)},
    # Exposure cases past their public-until date are marked 公开期满 (the pages already hide them at midnight).
    "inspections-expire-cases": {"task": "inspections.expire_exposure_cases", "schedule": timedelta(minutes=15)},
    # Certificate statuses move as dates pass (training app); idempotent, so every 6 hours keeps them within a day.
    "training-certificate-statuses": {
        "task": "training.refresh_certificate_statuses",
        "schedule": timedelta(hours=6),
    },
    # Each morning at 8:00, officers are reminded of tasks due within three days and of overdue ones, once per task
    # and day (campaigns app).
    "campaigns-send-reminders": {"task": "campaigns.send_reminders", "schedule": crontab(hour=8, minute=0)},
    # Each working morning at 9:00, units that have not signed for a notice (签收) within
    # NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS are reminded, once per unit, notice and day (campaigns app).
    "campaigns-notice-sign-reminders": {
        "task": "campaigns.send_sign_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # Each morning at 8:30, units with an accident whose 15-day 现场警示教育会议 is due soon or overdue are reminded,
    # once per accident and day (committee app).
    "committee-meeting-reminders": {"task": "committee.send_meeting_reminders", "schedule": crontab(hour=8, minute=30)},
    # Each morning at 7:30, open 挂牌督办 past their deadline escalate to the level above, once per deadline
    # (committee app, docs/supervision.md).
    "committee-escalate-supervisions": {
        "task": "committee.escalate_supervisions",
        "schedule": crontab(hour=7, minute=30),
    },
}
# Working days (holiday calendar) a unit has to sign for a notice (签收) before it is reminded.
NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS = env_int(
    "NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS", 2, min=1, max=30, unit="个工作日"
)
# The morning job reminds a unit at most this many times per notice (the office's button counted) ...
NOTICE_SIGN_REMIND_MAX = env_int("NOTICE_SIGN_REMIND_MAX", 3, min=1, max=20, unit="次")
# ... and only for notices issued within this many working days (older notices are chased by the office, if at all).
NOTICE_SIGN_REMIND_WITHIN_DAYS = env_int("NOTICE_SIGN_REMIND_WITHIN_DAYS", 20, min=1, max=250, unit="个工作日")
# Documents queued longer than this without a worker taking them are published again by the sweeper.
DOCUMENT_STALE_QUEUED_SECONDS = env_int("DOCUMENT_STALE_QUEUED_SECONDS", 120, min=30, max=24 * 60 * 60, unit="秒")

EMAIL_BACKEND = config.env_dotted_path("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, min=1, max=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10

# Messages to officers (docs/messaging.md): portal messages, the unit's 企业微信 group robot and SMS, sent by the
# worker (queue "messages") with retries and exponential backoff; never twice a day for the same item and channel.
MESSAGES_MAX_RETRIES = env_int("MESSAGES_MAX_RETRIES", 5, min=0, max=20, why="失败后重试的次数，间隔按指数增长")
MESSAGES_RETRY_BACKOFF_MAX_SECONDS = env_int(
    "MESSAGES_RETRY_BACKOFF_MAX_SECONDS", 600, min=10, max=6 * 60 * 60, unit="秒"
)
MESSAGES_SEND_TIMEOUT_SECONDS = env_int("MESSAGES_SEND_TIMEOUT_SECONDS", 10, min=1, max=60, unit="秒")
# The group robot's documented webhook; the key of each unit's robot is kept (encrypted) in 单位企业微信群.
WECOM_WEBHOOK_BASE = config.env_endpoint_url("WECOM_WEBHOOK_BASE", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
# SMS: console (log line, number masked), file (JSON lines in SMS_FILE_DIR) or tencent (Tencent Cloud SMS).
SMS_BACKEND = config.env_choice("SMS_BACKEND", "CONSOLE", ("CONSOLE", "FILE", "TENCENT")).lower()
SMS_FILE_DIR = Path(os.environ.get("SMS_FILE_DIR", VAR_DIR / "sms"))
TENCENT_SMS_SECRET_ID = env_str("TENCENT_SMS_SECRET_ID", "")
TENCENT_SMS_SECRET_KEY = env_str("TENCENT_SMS_SECRET_KEY", "")
TENCENT_SMS_SDK_APP_ID = env_str("TENCENT_SMS_SDK_APP_ID", "")
TENCENT_SMS_SIGN_NAME = env_str("TENCENT_SMS_SIGN_NAME", "")
TENCENT_SMS_TEMPLATE_ID = env_str("TENCENT_SMS_TEMPLATE_ID", "")
TENCENT_SMS_REGION = env_str("TENCENT_SMS_REGION", "ap-guangzhou")
TENCENT_SMS_ENDPOINT = config.env_endpoint_url("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com", path=False)
# Longest template parameter the provider accepts for this account (0: no limit); longer texts are shortened.
TENCENT_SMS_PARAM_MAX_LENGTH = env_int("TENCENT_SMS_PARAM_MAX_LENGTH", 0, min=0, max=500, unit="字")
if SMS_BACKEND == "tencent":
    for _name in ("TENCENT_SMS_SECRET_ID", "TENCENT_SMS_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID", "TENCENT_SMS_SIGN_NAME"):
        if not globals()[_name]:
            raise config.fail(_name, None, "未设置：SMS_BACKEND=tencent 时必须设置（腾讯云短信控制台）")
    if not TENCENT_SMS_TEMPLATE_ID.isdigit():
        raise config.fail(
            "TENCENT_SMS_TEMPLATE_ID", TENCENT_SMS_TEMPLATE_ID, "应为短信控制台中审核通过的正文模板 ID（数字）"
        )

# Logs (safetyportal/logs.py): one JSON object per line in production, readable text with DEBUG; every line of a
# request or task carries its request id / task id, the user's id (never a name) and the view; messages masked.
LOG_FORMAT = config.env_choice("LOG_FORMAT", "TEXT" if DEBUG or LOCAL_RUN else "JSON", ("JSON", "TEXT")).lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "safetyportal.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "safetyportal.logs.JsonFormatter"},
        "text": {
            "()": "safetyportal.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": config.env_choice("LOG_LEVEL", "INFO", config.LOG_LEVELS)},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # The filesystem transport has no host; kombu warns about it on every connection.
        "kombu.connection": {"level": "ERROR"},
    },
}
# Errors to Sentry (or a compatible service) when a DSN is set; sentry-sdk is imported only then.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from safetyportal.logs import init_sentry

    try:
        init_sentry(
            SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"), release=env_str("SENTRY_RELEASE", "")
        )
    except Exception as error:  # sentry_sdk.utils.BadDsn and friends
        raise config.fail("SENTRY_DSN", SENTRY_DSN, f"无法使用（{type(error).__name__}）", secret=True) from None

# Monitoring (docs/monitoring.md). /metrics answers only these client networks (anyone else gets 404); the client
# address is the one the rate limits use (TRUSTED_PROXY_COUNT).
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise config.fail(
            "METRICS_ALLOWED_NETWORKS", _network, "每一项都应是网段或地址，例如 127.0.0.0/8,10.20.0.0/24（用逗号分隔）"
        ) from None
# /readyz: a queue without a worker heartbeat for this long, or a document queued for longer than this (default: the
# stale period after which the sweeper publishes it again, plus one sweep), makes the portal "not ready".
HEALTH_HEARTBEAT_MAX_AGE_MINUTES = env_int("HEALTH_HEARTBEAT_MAX_AGE_MINUTES", 5, min=2, max=24 * 60, unit="分钟")
HEALTH_PENDING_MAX_AGE_SECONDS = env_int(
    "HEALTH_PENDING_MAX_AGE_SECONDS",
    DOCUMENT_STALE_QUEUED_SECONDS + 60,
    min=60,
    max=7 * 24 * 60 * 60,
    unit="秒",
)
# Socket timeout of each probe's Redis connection and command (no retries).
HEALTH_PROBE_TIMEOUT_SECONDS = 1.0

# Rules between settings (safetyportal/config.py): a combination that cannot work stops every process at start-up.
config.check_relations(
    [
        Relation(
            CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT,
            "CELERY_TASK_SOFT_TIME_LIMIT",
            CELERY_TASK_SOFT_TIME_LIMIT,
            f"必须小于 CELERY_TASK_TIME_LIMIT（{CELERY_TASK_TIME_LIMIT}），任务才能在被强制终止前收到软超时并记录失败",
        ),
        Relation(
            not REDIS_URL or _visibility_timeout > CELERY_TASK_TIME_LIMIT,
            "CELERY_VISIBILITY_TIMEOUT",
            _visibility_timeout,
            f"必须大于 CELERY_TASK_TIME_LIMIT（{CELERY_TASK_TIME_LIMIT}），"
            "否则仍在运行的任务会被 Redis 交给第二个进程重复执行",
        ),
        Relation(
            SESSION_ABSOLUTE_SECONDS >= SESSION_COOKIE_AGE,
            "SESSION_ABSOLUTE_SECONDS",
            SESSION_ABSOLUTE_SECONDS,
            f"不能小于 SESSION_IDLE_SECONDS（{SESSION_COOKIE_AGE}）",
        ),
        Relation(
            LOCAL_KEYS or bool(ALLOWED_HOSTS),
            "ALLOWED_HOSTS",
            "",
            "关闭 DEBUG 运行时必须设置，填写门户的域名（多个用逗号分隔），否则每个请求都会被拒绝",
        ),
        Relation(
            LOCAL_KEYS or "*" not in ALLOWED_HOSTS,
            "ALLOWED_HOSTS",
            ",".join(ALLOWED_HOSTS),
            "生产环境不能使用 *，请填写门户的域名",
        ),
        Relation(
            Path(MEDIA_ROOT).resolve() != Path(STATIC_ROOT).resolve(),
            "MEDIA_ROOT",
            MEDIA_ROOT,
            "不能与 STATIC_ROOT 相同（上传的文件不得作为静态文件公开）",
        ),
        Relation(
            not Path(MEDIA_ROOT).resolve().is_relative_to(Path(STATIC_ROOT).resolve())
            and not Path(STATIC_ROOT).resolve().is_relative_to(Path(MEDIA_ROOT).resolve()),
            "MEDIA_ROOT",
            MEDIA_ROOT,
            f"不能位于 STATIC_ROOT（{STATIC_ROOT}）之内，也不能包含它（上传的文件不得作为静态文件公开，"
            "collectstatic 也不得覆盖上传的文件）",
        ),
        Relation(
            not env_bool("BEHIND_TLS_PROXY", False) or TRUSTED_PROXY_COUNT > 0,
            "TRUSTED_PROXY_COUNT",
            TRUSTED_PROXY_COUNT,
            "开启 BEHIND_TLS_PROXY 时必须至少为 1（代理的层数），否则所有访问者都显示为代理的地址，"
            "登录锁定和频率限制会波及每一个人",
        ),
        Relation(
            LOCAL_KEYS or bool(os.environ.get("SITE_URL", "").strip()),
            "SITE_URL",
            "",
            "关闭 DEBUG 运行时必须设置为门户的公开地址（如 https://aqsc.example.gov.cn），"
            "否则二维码、邮件和文书中的链接都指向 http://127.0.0.1:8000",
        ),
    ]
)
