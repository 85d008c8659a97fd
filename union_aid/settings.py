"""One settings module, driven by environment variables.

DEBUG=1 for development. In production (DEBUG unset or 0) SECRET_KEY and ALLOWED_HOSTS must be
given; DATABASE_URL selects PostgreSQL, otherwise the embedded SQLite file is used.

A developer checkout keeps its variables in ``.env`` beside manage.py (never committed): the
scripts write ``DEBUG=1`` there on first use, so ``manage.py`` just works in that checkout. A
variable set in the environment wins over ``.env``; a server has no ``.env`` and so starts in
production mode, refusing to start without a SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def env_bool(name, default=False):
    """A yes/no variable; anything but 1/true/yes/on or 0/false/no/off (or empty) is refused."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use 1 or 0 (true/false, yes/no, on/off).")


def env_int(name, default):
    """A whole-number variable; anything else is refused with the variable's name."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for a development machine)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "network",
    "cases",
    "outreach",
    "union_aid",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "union_aid.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # the client's address for the audit log; then a password set by someone else, or expired,
    # is changed before anything else is opened
    "network.audit.AuditMiddleware",
    "network.accounts.PasswordChangeRequiredMiddleware",
    # last, as its documentation asks: it turns a lockout into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "union_aid.urls"

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
                "union_aid.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "union_aid.wsgi.application"

# SQLite (WAL mode) by default; PostgreSQL through DATABASE_URL.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Either Django's own connection pool in each app process (DB_POOL=1, psycopg's pool: a few
    # connections per process, reused), or PgBouncer in front of PostgreSQL (DB_PGBOUNCER=1): in its
    # transaction pooling a connection serves another client between transactions, so server-side
    # cursors (which the exports' .iterator() opens and reads across round trips) must be off.
    # PostgreSQL's JIT compiler fires on the list's plans at a hundred thousand rows and costs more
    # than it saves (a search 2.3 s with it, 0.2 s without: ../shared/notes): off for this app's
    # connections (PG_JIT=1 leaves the server's setting). The planner's random_page_cost is 4 by
    # default, the cost of a spinning disk: it then reads a million dossiers to join 10,000 search
    # matches rather than fetch them by key (1.4 s against 0.1 s). 1.1 is the usual value for SSDs
    # and for a database the memory holds (PG_RANDOM_PAGE_COST sets another; "server" keeps its own).
    DATABASES["default"].setdefault("OPTIONS", {})
    pg_options = [] if env_bool("PG_JIT") else ["-c jit=off"]
    random_page_cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1")
    if random_page_cost != "server":
        pg_options.append(f"-c random_page_cost={float(random_page_cost)}")
    pg_options.extend(os.environ.get("PG_MORE_OPTIONS", "").split())  # e.g. -c statement_timeout=30s
    if pg_options:
        DATABASES["default"]["OPTIONS"]["options"] = " ".join(pg_options)
    DB_POOL = env_bool("DB_POOL")
    DB_PGBOUNCER = env_bool("DB_PGBOUNCER")
    if DB_POOL and DB_PGBOUNCER:
        raise ImproperlyConfigured("DB_POOL and DB_PGBOUNCER: choose one pool, not both.")
    if DB_POOL:
        if DATABASES["default"]["CONN_MAX_AGE"]:
            raise ImproperlyConfigured("DB_POOL=1 needs CONN_MAX_AGE=0 (the pool keeps the connections).")
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2), "max_size": env_int("DB_POOL_MAX_SIZE", 10),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
    if DB_PGBOUNCER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "network.User"

AUTHENTICATION_BACKENDS = [
    # first, so that a locked-out username is refused before the password is checked
    "axes.backends.AxesStandaloneBackend",
    "network.permissions.RoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "network.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "network.passwords.GuessablePasswordValidator"},
]

# A password expires after this many days (0: never); its owner is then sent to change it.
PASSWORD_EXPIRY_DAYS = env_int("PASSWORD_EXPIRY_DAYS", 90)
# Accounts nobody signed into for this many days are disabled by `manage.py disable_unused_accounts`
# (the daily timer runs it).
ACCOUNT_UNUSED_DAYS = env_int("ACCOUNT_UNUSED_DAYS", 90)
if PASSWORD_EXPIRY_DAYS < 0 or ACCOUNT_UNUSED_DAYS < 1:
    raise ImproperlyConfigured("PASSWORD_EXPIRY_DAYS must be 0 or more and ACCOUNT_UNUSED_DAYS at least 1.")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 30 minutes of inactivity ends the session: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Five failed logins for one username lock that username (not the office's shared IP) for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
# A county office shares one public IP: locking by IP would lock every colleague out with the
# attacker, which is exactly what the center asked not to happen. Lockout is per username.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The interface is Chinese, and only Chinese, by decision: templates hold their Chinese text
# literally, while labels and messages in Python are written in Chinese inside gettext, so that
# Django's own zh-hans catalogue translates what Django says (form errors, the admin) and a second
# language would need only a catalogue for the Python strings and copies of the templates. The
# project ships no catalogue of its own, hence no LOCALE_PATHS.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# In production nginx serves STATIC_ROOT; collectstatic names each file by its content's hash
# (app.3f2a9c.css), so nginx may let browsers keep them a year and a new release is never mixed
# with an old cached file. Uploads go through the default storage: FileSystemStorage in MEDIA_ROOT,
# or an S3-compatible store by settings alone (README, "Growing past one machine").
STORAGES = {
    "default": {"BACKEND": os.environ.get("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    },
}
# an S3-compatible store for uploads (django-storages, installed separately): its settings from the
# environment; files stay private (no public ACL, links signed and short-lived)
for _name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME", "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY"):
    if os.environ.get(_name):
        globals()[_name] = os.environ[_name]
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_EXPIRE = 300

MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "media/"

# Background jobs (network.jobs): tasks are stored in our own database and run by the worker
# (`manage.py jobs_worker`, started by scripts/serve.sh beside the server); a real queue later is
# a change of TASKS_BACKEND. Task arguments are primary keys only: the task table keeps them in clear.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A job's live progress goes through a cache both the worker and the web processes read: written to
# the database inside the job's one transaction it would be invisible until the commit (and on
# SQLite a second connection cannot write while the job holds the write lock). Files by default;
# JOB_CACHE_URL is not offered yet: a shared Redis or Memcached would go here.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("JOB_PROGRESS_DIR", str(BASE_DIR / "var" / "job-progress")),
        "TIMEOUT": 24 * 60 * 60,
    },
}
# a running job whose worker has not been heard of for this many seconds is marked failed
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 300)
if JOB_STALE_SECONDS < 30:
    raise ImproperlyConfigured(f"JOB_STALE_SECONDS={JOB_STALE_SECONDS} must be at least 30.")

# a roster of more households than this is exported by the background worker (the job page
# offers the file) instead of in the request
EXPORT_INLINE_MAX = env_int("EXPORT_INLINE_MAX", 3000)

# the uploaded sheets and reports of finished jobs are deleted after this many days
JOB_FILES_DAYS = env_int("JOB_FILES_DAYS", 7)

# the batch delivery screen of a holiday campaign posts about nine fields for each of hundreds of
# households on one page; Django's default (1,000 fields) would refuse a sheet of 120
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

# The CJK TrueType font embedded in printed forms (Debian: fonts-wqy-zenhei).
PDF_CJK_FONT = os.environ.get("PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

# The shortest public notice (公示) of new dossiers, in days including the first; local rules vary.
NOTICE_DAYS = env_int("NOTICE_DAYS", 7)
if NOTICE_DAYS < 1:
    raise ImproperlyConfigured(f"NOTICE_DAYS={NOTICE_DAYS} must be at least 1.")

# A live pairing (结对帮扶) with no visit for this many months is listed as overdue.
PAIRING_VISIT_MONTHS = env_int("PAIRING_VISIT_MONTHS", 3)
if PAIRING_VISIT_MONTHS < 1:
    raise ImproperlyConfigured(f"PAIRING_VISIT_MONTHS={PAIRING_VISIT_MONTHS} must be at least 1.")

# The county's administrative code, the first part of every dossier number.
COUNTY_CODE = os.environ.get("COUNTY_CODE", "532526")
# Dossier number pattern: {county} county code, {year} approval year, {serial} per-year serial.
DOSSIER_NUMBER_PATTERN = os.environ.get("DOSSIER_NUMBER_PATTERN", "{county}{year}{serial:05d}")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# no inline script or style anywhere (tests/browser/test_content_security_policy.py loads the pages
# and fails on any violation); images may be data: URLs (the admin's icons)
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
)

# No personal data in logs: only warnings and errors, and Django's request logger writes the
# path (never the query string or the body); nothing of ours logs names or ID numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# The audit log keeps entries at least this many days; `manage.py prune_audit` deletes older ones.
# The database refuses to delete an entry younger than six months whatever this says.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 183)
if AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS={AUDIT_RETENTION_DAYS}: the audit log is kept at least 183 days.")
# Behind our own nginx the client's address is the last one in X-Forwarded-For; without a proxy
# (or one that does not set it) say 0, or a client could write any address into the log.
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", not DEBUG)

# Backups (`manage.py backup`): where they go and how many are kept.
BACKUP_DIR = os.environ.get("BACKUP_DIR", str(BASE_DIR / "backups"))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
if BACKUP_KEEP < 1:
    raise ImproperlyConfigured(f"BACKUP_KEEP={BACKUP_KEEP} must be at least 1.")
