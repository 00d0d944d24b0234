"""Configuration: built-in defaults, then ``instance/config.py``, then the environment.

The order matters: a deployment's environment wins over the file an admin edited once,
which wins over what we ship.
"""
import os
import secrets
import time
from pathlib import Path


class Defaults:
    """The settings every install starts from. Each can be overridden in
    ``instance/config.py`` or by an environment variable ``DUALDASH_<NAME>``."""

    # Empty means: an SQLite file in the instance folder.
    DATABASE_URL = ""
    # werkzeug's password hashing method; tests use a cheap one.
    PASSWORD_HASH_METHOD = "scrypt"
    # Name of a request header set by a trusted SSO proxy that carries the signed-in
    # person's email. Empty (the default) turns the feature off. See README.
    REMOTE_USER_HEADER = ""
    PEOPLE_PER_PAGE = 50
    # Largest upload accepted (bytes): CSV files of people and measurements.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    # Security (README, "Security"). HTTPS: the site is reached over HTTPS (secure cookies, HSTS).
    # TRUSTED_PROXIES: how many reverse proxies' X-Forwarded-* headers to believe (0: none).
    HTTPS = False
    TRUSTED_PROXIES = 0
    # How long a sign-in lasts (seconds), and "Keep me signed in" (seconds).
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PASSWORD_MIN_LENGTH = 12
    # Log-in throttling: failed sign-ins per account and per address within the window (0: no limit).
    SIGN_IN_ACCOUNT_LIMIT = 5
    SIGN_IN_ADDRESS_LIMIT = 20
    SIGN_IN_WINDOW_MINUTES = 15
    # Plugins: the folder of plugin files (None: the checkout's plugins/ or <instance>/plugins;
    # "" for none), names to block (built-in ones included), and whether installed packages load.
    PLUGINS_DIR = None
    DISABLED_PLUGINS = []
    LOAD_ENTRY_POINTS = True
    # Extra plugins to register: modules or import paths (mostly for tests).
    PLUGINS = []


def load(app, test_config=None):
    """Fill ``app.config`` in the documented order and make sure a secret key exists."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    # DUALDASH_PEOPLE_PER_PAGE=20 -> PEOPLE_PER_PAGE = 20 (values are parsed as JSON when they can be).
    app.config.from_prefixed_env(prefix="DUALDASH")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "dualdash.sqlite3")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _instance_secret_key(instance):
    """Read the install's secret key, generating it on first use.

    Created with O_EXCL so that two workers starting together agree on one key.
    """
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another worker may have created the file a moment ago and not written it yet.
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"The secret key file {path} is empty: delete it to generate a new one.") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key
