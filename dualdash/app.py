"""The application factory: the composition root, where the shell, the domains and the API are put
together (see docs/architecture.md)."""
import os
import sys
from pathlib import Path

from flask import Flask

from dualdash import api, coaching, config, db, kpis, org, web
from dualdash.commands import register_commands
from dualdash.plugins import manager as plugins
from dualdash.shared import access, formats

PACKAGE_DIR = Path(__file__).parent


def templates_dir():
    """The Jinja templates: inside the package in an installed wheel, at the top of a checkout."""
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


def default_instance_path():
    """The instance folder when neither INSTANCE_PATH nor DUALDASH_INSTANCE names one: ``instance/``
    at the top of a checkout (an editable install included), else ``<virtualenv>/var/dualdash-instance``.

    Flask's own default for an installed package is named after the module (``dualdash.app-instance``);
    an install that already keeps its data there goes on using it."""
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "instance"
    var = Path(sys.prefix) / "var"
    older = var / "dualdash.app-instance"
    if older.is_dir() and not (var / "dualdash-instance").exists():
        return older
    return var / "dualdash-instance"


def create_app(test_config=None, *, strict_plugins=True):
    """Build a Dual Dash app: configuration, database, plugins, sign-in, pages and commands.

    ``test_config`` (a dict) overrides every other source of configuration. A plugin that cannot
    load or defines something malformed stops the app (:class:`dualdash.plugins.manager.PluginsFailed`);
    with ``strict_plugins=False`` the faults are kept in ``app.extensions["dualdash.plugins"]``
    instead, so that ``dualdash plugins`` can still list what loaded."""
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("DUALDASH_INSTANCE")
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve() if instance else default_instance_path()),
        instance_relative_config=True,
        template_folder=str(templates_dir()),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.load(app, test_config)
    app.extensions["dualdash.test_config"] = dict(test_config or {})
    # The commands that build another app (serve, bench) use this factory rather than importing it.
    app.extensions["dualdash.create_app"] = create_app
    db.init_app(app)
    formats.register(app)
    framework = app.extensions["dualdash.plugins"] = plugins.load(app)
    csrf_protect = web.init_app(app)
    for domain in (org, kpis, coaching):
        domain.init_app(app)
    api.init_app(app, csrf_protect)
    access.check(app)  # every page says who may see it, or the app does not start
    register_commands(app)
    plugins.install(app, framework, checks=(kpis.check_band_rules,))
    if framework.errors and strict_plugins:
        raise plugins.PluginsFailed(framework.errors)
    return app
