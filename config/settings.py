"""Settings for the whole project, read from environment variables.

The defaults run on one machine with nothing to install: SQLite in WAL mode, a Whoosh search
index with jieba segmentation and the local-memory cache. ``DATABASE_URL``, ``REDIS_URL``,
``SEARCH_BACKEND`` and ``SEARCH_URL`` move each piece onto a shared service.
"""

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return env_number(name, default, kind=int)


def env_number(name: str, default: float, *, kind=float):
    """The variable as a number, ``default`` when unset; a clear refusal when not a number."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 应为数字，现在是“{value}”。") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "insecure-development-key-never-use-in-production"
# Without DEBUG and without DJANGO_SECRET_KEY the key stays empty: commands that sign nothing
# (migrate, makemigrations --check) still run, the WSGI application refuses to start
# (config/wsgi.py) and anything that would sign with the key fails.

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "common",
    "content",
    "quizzes",
    "learning",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "polymorphic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "common.admission.AdmissionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "learning.middleware.RequirePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "themes" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "content.context_processors.site_navigation",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------------

SQLITE_PATH = VAR_DIR / "db.sqlite3"
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue on the busy timeout instead of failing with "database is locked".
    # Persistent connections: opening one (and its PRAGMAs) costs about 6 ms of CPU, two-thirds
    # of a small logged-in request. Health checks drop a connection that went bad.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not shared-cache memory, so tests see the same locking as production; one per
    # test process so parallel runs do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"sxjd-test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # One test database per test process, so parallel runs never drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions ---------------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sxjd",
        }
    }
    # Sessions are read from Redis and kept in the database too: a Redis outage is a cache miss,
    # never a log-out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts -------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "learning.passwords.MinimumLengthValidator"},
    {"NAME": "learning.passwords.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "learning.passwords.NotCurrentPasswordValidator"},
]
if TESTING:
    # Hashing with a million rounds costs a third of a second per user; tests create thousands.
    # PBKDF2 stays second so initial-password hashes (learning.services.people) still verify.
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
# Log-in throttling (common/throttle.py): failures per account and per client address; past
# SLOW_AFTER each try waits FIRST_DELAY seconds doubled per failure, at LOCK_AFTER the wait is
# LOCK_SECONDS; counters are forgotten WINDOW seconds after their last failure. An exam room
# behind one NAT address shares the address counter, hence its higher thresholds.
LOGIN_THROTTLE_ACCOUNT_SLOW_AFTER = env_int("LOGIN_THROTTLE_ACCOUNT_SLOW_AFTER", 5)
LOGIN_THROTTLE_ACCOUNT_LOCK_AFTER = env_int("LOGIN_THROTTLE_ACCOUNT_LOCK_AFTER", 10)
LOGIN_THROTTLE_ADDRESS_SLOW_AFTER = env_int("LOGIN_THROTTLE_ADDRESS_SLOW_AFTER", 30)
LOGIN_THROTTLE_ADDRESS_LOCK_AFTER = env_int("LOGIN_THROTTLE_ADDRESS_LOCK_AFTER", 100)
LOGIN_THROTTLE_FIRST_DELAY_SECONDS = env_int("LOGIN_THROTTLE_FIRST_DELAY_SECONDS", 5)
LOGIN_THROTTLE_LOCK_SECONDS = env_int("LOGIN_THROTTLE_LOCK_SECONDS", 900)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 3600)
# The META key of a header a trusted proxy sets to the client's address, e.g. HTTP_X_REAL_IP;
# empty: REMOTE_ADDR.
LOGIN_THROTTLE_ADDRESS_HEADER = os.environ.get("LOGIN_THROTTLE_ADDRESS_HEADER", "")
WAGTAILADMIN_USER_LOGIN_FORM = "common.throttle.AdminLoginForm"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"

# Language and time ----------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static and media -----------------------------------------------------------------------------

STATICFILES_DIRS = [BASE_DIR / "themes" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # a regulation of 500 articles posted back from its preview

# Wagtail --------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "四项监督制度学习平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
# A government intranet has no internet: the admin never asks wagtail.org for new releases.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "pptx", "txt", "zip", "wps"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Search: Whoosh + jieba on one machine; Wagtail's database backend with the same segmentation
# for PostgreSQL deployments; OpenSearch when SEARCH_URL is set.
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search_index"))
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
SEARCH_URL = os.environ.get("SEARCH_URL", "")
if SEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch2",
            "URLS": [SEARCH_URL],
            "INDEX": os.environ.get("SEARCH_INDEX_NAME", "sxjd"),
            "TIMEOUT": 10,
        }
    }
elif SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "content.search.database_backend"}}
else:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "content.search.whoosh_backend",
            "PATH": str(SEARCH_INDEX_DIR),
            "LOCK_TIMEOUT": 30,
        }
    }

# Project --------------------------------------------------------------------------------------

# Where load_demo finds the five source documents.
DEMO_SEEDS_DIR = Path(os.environ.get("DEMO_SEEDS_DIR", BASE_DIR.parent / "shared" / "seeds"))

# Quizzes: how long after the deadline a save in flight is still accepted.
QUIZ_SAVE_GRACE_SECONDS = env_int("QUIZ_SAVE_GRACE_SECONDS", 60)
# How often an attempt page asks the server for its time left (a moved end reaches the page
# within this many seconds; each answer saved also brings it).
QUIZ_STATE_SYNC_SECONDS = env_int("QUIZ_STATE_SYNC_SECONDS", 60)

# Admission control (common.admission): a request that waited longer than this in gunicorn's
# queue is refused at once with 503 请稍候重试; 0 turns it off.
ADMISSION_MAX_WAIT_SECONDS = env_number("ADMISSION_MAX_WAIT_SECONDS", 10)
ADMISSION_RETRY_AFTER_SECONDS = env_int("ADMISSION_RETRY_AFTER_SECONDS", 5)

# Study time: one 学时 is this many minutes; the lesson page beats every HEARTBEAT seconds, one
# beat credits at most HEARTBEAT_CAP seconds, nothing is credited after IDLE seconds without
# the learner touching the page, and (when PRESENCE_CHECK_MINUTES > 0) a 继续学习 check every
# so many minutes stops credit until it is answered.
LEARNING_HOUR_MINUTES = env_int("LEARNING_HOUR_MINUTES", 45)
STUDY_HEARTBEAT_SECONDS = env_int("STUDY_HEARTBEAT_SECONDS", 30)
STUDY_HEARTBEAT_CAP_SECONDS = env_int("STUDY_HEARTBEAT_CAP_SECONDS", 45)
STUDY_IDLE_SECONDS = env_int("STUDY_IDLE_SECONDS", 300)
STUDY_PRESENCE_CHECK_MINUTES = env_int("STUDY_PRESENCE_CHECK_MINUTES", 20)

# Excel imports (common/excel.py): what an uploaded .xlsx may hold, checked from its zip
# directory before anything is parsed, then while its rows are read. See README (导入).
EXCEL_MAX_UNPACKED_BYTES = env_int("EXCEL_MAX_UNPACKED_MB", 50) * 1024 * 1024
EXCEL_MAX_MEMBER_BYTES = env_int("EXCEL_MAX_MEMBER_MB", 30) * 1024 * 1024
EXCEL_MAX_COMPRESSION_RATIO = env_int("EXCEL_MAX_COMPRESSION_RATIO", 100)
EXCEL_MAX_MEMBERS = env_int("EXCEL_MAX_MEMBERS", 200)
EXCEL_MAX_SHARED_STRINGS_BYTES = env_int("EXCEL_MAX_SHARED_STRINGS_MB", 20) * 1024 * 1024
EXCEL_MAX_SHARED_STRINGS = env_int("EXCEL_MAX_SHARED_STRINGS", 200000)
EXCEL_MAX_ROWS = env_int("EXCEL_MAX_ROWS", 20000)
EXCEL_MAX_COLUMNS = env_int("EXCEL_MAX_COLUMNS", 100)
EXCEL_MAX_TEXT_CHARS = env_int("EXCEL_MAX_TEXT_CHARS", 10000000)

# Security -------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# A session ends after a working day without a request; an active person's session is renewed,
# written at most every SESSION_RENEW_SECONDS (common.middleware.SessionRenewalMiddleware).
# SESSION_EXPIRE_AT_BROWSER_CLOSE also ends it with the browser (shared computers).
SESSION_COOKIE_AGE = int(env_number("SESSION_IDLE_HOURS", 9) * 3600)
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 900)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE")
# Sent with the site's own HTML pages (common.middleware.ContentSecurityPolicyMiddleware); the
# Wagtail admin runs inline script and is exempt.
CSP_ENABLED = env_bool("CSP_ENABLED", True)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
CONTENT_SECURITY_POLICY_EXEMPT = ["/admin/"]
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
    if env_bool("DJANGO_BEHIND_PROXY"):
        # Only behind a proxy that sets this header itself; otherwise any client could claim HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "jieba": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
