"""Finding, loading and checking plugins, and what they define (the app's *framework*).

A plugin manager is built for each app (never at import time) from, in this order: the built-in
plugins (the defaults are plugins too), installed packages (entry point group ``dualdash``), the
``.py`` files and packages of the plugins folder, and the ``PLUGINS`` setting (modules or import
paths, used by tests). ``DISABLED_PLUGINS`` blocks any of them by name."""
import importlib
import importlib.util
import logging
import sys
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

import pluggy
from flask import current_app, g

from dualdash.plugins import hookspecs
from dualdash.plugins.checks import collect_definitions
from dualdash.plugins.errors import PluginError, PluginsFailed  # noqa: F401 (PluginsFailed: for callers)
from dualdash.shared import access as access_rules

log = logging.getLogger(__name__)

#: The defaults, registered like any other plugin: ``{plugin name: module}``. The names are the ones an
#: organization blocks with ``DISABLED_PLUGINS``, kept from before the defaults moved into this package.
BUILTIN_PLUGINS = {
    "dualdash.defaults.drivers": "dualdash.plugins.defaults.drivers",
    "dualdash.defaults.band_rules": "dualdash.plugins.defaults.band_rules",
    "dualdash.defaults.coaching_questions": "dualdash.plugins.defaults.coaching_questions",
}
ENTRY_POINT_GROUP = "dualdash"
HOOK_PREFIX = "dualdash_"


@dataclass
class PluginInfo:
    """A loaded plugin: its name, where it came from, and the hooks it implements."""

    name: str
    source: str
    module: object = None
    hooks: list = field(default_factory=list)


@dataclass
class Framework:
    """Everything the loaded plugins define, validated, plus any faults found."""

    manager: pluggy.PluginManager
    plugins: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    drivers: dict = field(default_factory=dict)          # key -> Driver
    band_rules: dict = field(default_factory=dict)       # name -> BandRule
    questions: list = field(default_factory=list)        # CoachingQuestion, in stable order
    kpi_library: dict = field(default_factory=dict)      # key -> KPIDefinition
    skill_frameworks: list = field(default_factory=list)
    provided_by: dict = field(default_factory=dict)      # (kind, key) -> plugin name

    def questions_for(self, situation, kpi=None, driver=None, skill=None):
        """The coaching questions for a situation, narrowed to a KPI, driver or skill key."""
        return [q for q in self.questions if q.situation == situation
                and q.kpi in (None, kpi) and q.driver in (None, driver) and q.skill in (None, skill)]

    def call_each(self, hook_name, **kwargs):
        """Call a page-time hook plugin by plugin: ``[(plugin name, result)]``; a plugin that raises
        is reported on the page (see :func:`report_failure`) and left out."""
        return _call_each(self.manager, hook_name, kwargs,
                          lambda plugin, exc: report_failure(plugin, hook_name, exc))


def _call_each(manager, hook_name, kwargs, on_error):
    """``[(plugin name, result)]`` of each implementation, in load order; ``on_error(plugin, exc)``
    is told of each one that raises (a plugin's bug must not take the app down)."""
    results = []
    for impl in getattr(manager.hook, hook_name).get_hookimpls():
        try:
            results.append((impl.plugin_name, call_impl(impl, kwargs)))
        except Exception as exc:
            on_error(impl.plugin_name, exc)
    return results


def call_impl(impl, kwargs):
    """Call one hook implementation as pluggy would: with only the arguments it names (pluggy lets an
    implementation take fewer than the spec, e.g. ``def dualdash_startup():``)."""
    return impl.function(*[kwargs[name] for name in impl.argnames])


def current():
    """The framework of the current app."""
    return current_app.extensions["dualdash.plugins"]


def report_failure(plugin, hook, exc, detail=""):
    """Log a plugin fault at page time and list it for the page to show."""
    error = PluginError(plugin, hook, f"{type(exc).__name__}: {exc}{detail}")
    log.error("%s", error, exc_info=exc)
    failures = g.setdefault("plugin_failures", [])
    if str(error) not in failures:
        failures.append(str(error))
    return error


def default_plugins_dir(app):
    """The repository's plugins/ folder when run from a checkout, else ``<instance>/plugins``."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "plugins").is_dir():
        return checkout / "plugins"
    return Path(app.instance_path) / "plugins"


def load(app):
    """Build the plugin manager for ``app``, load every plugin and collect their definitions."""
    pm = pluggy.PluginManager("dualdash")
    pm.add_hookspecs(hookspecs)
    fw = Framework(manager=pm)
    disabled = set(app.config.get("DISABLED_PLUGINS") or ())
    for name in disabled:
        pm.set_blocked(name)

    def register(name, source, loader):
        if name in disabled:
            return
        try:
            module = loader()
        except Exception as exc:
            fw.plugins.append(PluginInfo(name, source))
            fw.errors.append(PluginError(name, None, f"failed to load: {type(exc).__name__}: {exc}"))
            return
        info = PluginInfo(name, source, module)
        fw.plugins.append(info)
        try:
            pm.register(module, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            fw.errors.append(PluginError(name, None, str(exc)))
            return
        info.hooks = sorted(c.name for c in pm.get_hookcallers(module) or ())
        _check_hook_names(name, module, fw)

    for name, modname in BUILTIN_PLUGINS.items():
        register(name, "built-in", lambda m=modname: importlib.import_module(m))
    if app.config.get("LOAD_ENTRY_POINTS", True):
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist else "unknown package"
            register(ep.name, f"package {dist}", ep.load)
    folder = app.config.get("PLUGINS_DIR")
    # Only a folder someone named must exist: the default one is optional (an installed wheel has none).
    required = folder is not None
    if folder is None:
        folder = default_plugins_dir(app)
    if folder:
        for name, path in _folder_plugins(Path(folder), fw, required):
            register(name, f"file {path}", lambda n=name, p=path: _import_file(n, p))
    for plugin in app.config.get("PLUGINS") or ():
        if isinstance(plugin, str):
            register(plugin, "setting PLUGINS", lambda p=plugin: importlib.import_module(p))
        else:
            register(getattr(plugin, "__name__", repr(plugin)), "setting PLUGINS", lambda p=plugin: p)
    collect_definitions(fw)
    return fw


def _check_hook_names(name, module, fw):
    """A misspelt hook name must not be silently ignored."""
    specs = {n for n in dir(hookspecs) if n.startswith(HOOK_PREFIX)}
    for attr in dir(module):
        if not attr.startswith(HOOK_PREFIX) or attr in specs:
            continue
        value = getattr(module, attr)
        if callable(value):
            fw.errors.append(PluginError(name, attr, f"there is no hook named {attr} "
                                         "(misspelt? see docs/plugins.md for the hook names)"))
    for attr in specs:
        if callable(getattr(module, attr, None)) and fw.manager.parse_hookimpl_opts(module, attr) is None:
            fw.errors.append(PluginError(name, attr, "the function is not marked with @hookimpl "
                                         "(from dualdash import hookimpl)"))


def _folder_plugins(folder, fw, required=True):
    """``(name, path)`` of each plugin in the folder: ``*.py`` files and packages (with __init__.py).

    Tests (``test_*.py``, ``conftest.py``) and names starting with ``_`` or ``.`` are skipped. A
    missing folder is an error only when it is ``required`` (named by PLUGINS_DIR or --plugins-dir)."""
    if not folder.is_dir():
        if required:
            fw.errors.append(PluginError(str(folder), None, "the plugins folder does not exist"))
        return []
    found = []
    for path in sorted(folder.iterdir()):
        stem = path.stem
        if stem.startswith(("_", ".", "test_")) or stem == "conftest":
            continue
        if path.suffix == ".py" and path.is_file():
            found.append((stem, path))
        elif path.is_dir() and (path / "__init__.py").is_file():
            found.append((path.name, path / "__init__.py"))
    return found


def _import_file(name, path):
    """Import a plugin file under a private module name, fresh for each app."""
    modname = f"dualdash_plugins.{name}"
    locations = [str(path.parent)] if path.name == "__init__.py" else None
    spec = importlib.util.spec_from_file_location(modname, path, submodule_search_locations=locations)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module  # so the plugin's own relative imports and pickling work
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    return module


def install(app, fw, checks=()):
    """Register the plugins' pages, access rules and commands, run the domains' start-up ``checks``
    (each ``check(app, fw)`` appends :class:`PluginError` to ``fw.errors``: the KPIs' band rules, say),
    and call the start-up hooks when nothing is wrong."""
    for plugin, blueprints in _page_time_results(fw, "dualdash_blueprints"):
        for bp in blueprints or ():
            try:
                app.register_blueprint(bp)
            except Exception as exc:
                fw.errors.append(PluginError(plugin, "dualdash_blueprints", f"{type(exc).__name__}: {exc}"))
                continue
            # A page that does not say who may see it is a plugin fault (it would answer 403 to everyone).
            for endpoint, why in access_rules.problems(app, bp.name).items():
                fw.errors.append(PluginError(plugin, "dualdash_blueprints", f"the page {endpoint}: {why}"))
    for _plugin, commands in _page_time_results(fw, "dualdash_cli_commands"):
        for command in commands or ():
            app.cli.add_command(command)
    for check in checks:
        check(app, fw)
    if not fw.errors:
        _page_time_results(fw, "dualdash_startup", app=app)


def _page_time_results(fw, hook, **kwargs):
    """Like Framework.call_each, for build-time hooks: a fault becomes a start-up error."""
    return _call_each(fw.manager, hook, kwargs, lambda plugin, exc: fw.errors.append(
        PluginError(plugin, hook, f"raised {type(exc).__name__}: {exc}")))

