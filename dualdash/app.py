"""The application factory."""
import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import api, auth, config, db, plugins, views
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
    csrf = CSRFProtect(app)
    auth.init_app(app)
    views.init_app(app)
    api.init_app(app, csrf)
    register_commands(app)
    plugins.install(app, framework)
    if framework.errors and strict_plugins:
        raise plugins.PluginsFailed(framework.errors)
    return app
