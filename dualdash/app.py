"""The application factory."""
import os
from pathlib import Path

from flask import Flask

from . import access_rules, api, auth, config, csrf, db, https_proxy, plugins, security_headers, uploads, views
from .cli import register_commands

PACKAGE_DIR = Path(__file__).parent


def templates_dir():
    """The Jinja templates: inside the package in an installed wheel, at the top of a checkout."""
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


def create_app(test_config=None, *, strict_plugins=True):
    """Build a Dual Dash app: configuration, database, plugins, sign-in, pages and commands.

    ``test_config`` (a dict) overrides every other source of configuration. A plugin that cannot
    load or defines something malformed stops the app (:class:`dualdash.plugins.PluginsFailed`);
    with ``strict_plugins=False`` the faults are kept in ``app.extensions["dualdash.plugins"]``
    instead, so that ``dualdash plugins`` can still list what loaded."""
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("DUALDASH_INSTANCE")
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
        template_folder=str(templates_dir()),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.load(app, test_config)
    app.extensions["dualdash.test_config"] = dict(test_config or {})
    db.init_app(app)
    framework = app.extensions["dualdash.plugins"] = plugins.load(app)
    https_proxy.init_app(app)
    security_headers.init_app(app)
    uploads.init_app(app)
    access_rules.init_app(app)  # who may reach a page is decided before its form's CSRF token is checked
    csrf_protect = csrf.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    api.init_app(app, csrf_protect)
    access_rules.check(app)  # every page says who may see it, or the app does not start
    register_commands(app)
    plugins.install(app, framework)
    if framework.errors and strict_plugins:
        raise plugins.PluginsFailed(framework.errors)
    return app
