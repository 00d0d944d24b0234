"""The hooks a Dual Dash plugin can implement.

A plugin is a module (or package) with functions named after these specs and marked with
``@hookimpl``::

    from dualdash import hookimpl

    @hookimpl
    def dualdash_driver_definitions():
        return [{"key": "curiosity", "name": "Curiosity", ...}]

Definition hooks (drivers, band rules, coaching questions, KPI library, skill frameworks) are
called once when the app starts; what they return is validated then, and a mistake stops the app
with a message naming the plugin. Results are collected from every plugin in load order: built-in
plugins first, then installed packages, then the plugins folder. docs/plugins.md is the guide.
"""
import pluggy

hookspec = pluggy.HookspecMarker("dualdash")
hookimpl = pluggy.HookimplMarker("dualdash")


@hookspec
def dualdash_driver_definitions():
    """Performance Drivers this plugin defines.

    Called once at start-up. Return a list of :class:`dualdash.Driver` (or dicts with its fields):
    ``key`` (unique across all plugins: lowercase letters, digits, ``_``), ``name``,
    ``description``, ``good_looks_like``, ``scale`` (a list of ``ScalePoint(value, label,
    description)`` or ``(value, label)`` pairs, at least two, values distinct integers; empty uses
    the default 1–5 scale) and optionally ``roles`` (job role names it applies to; empty: everyone).
    """


@hookspec
def dualdash_band_rules():
    """Named band rules this plugin defines.

    Called once at start-up. Return a list of :class:`dualdash.BandRule` (or dicts): ``name``
    (unique; the name a KPI refers to), ``label``, ``description`` and ``judge``, a callable
    ``judge(value, kpi, benchmark, person, period)``. Each time a value is banded, ``judge``
    receives the value (a float), the KPI (:class:`dualdash.KPIInfo`, with its ``direction``), the
    benchmark that applies to this person at that date (:class:`dualdash.BenchmarkInfo`, or None
    when none applies), the person (:class:`dualdash.PersonInfo`) and the period
    (:class:`dualdash.Period`). It returns a :class:`dualdash.Band` (or "fails", "meets",
    "exceeds"), or None when it cannot judge. If it raises, the page names the plugin and shows no
    band rather than a wrong one.
    """


@hookspec
def dualdash_coaching_questions():
    """Coaching questions this plugin suggests, each for a situation.

    Called once at start-up. Return a list of :class:`dualdash.CoachingQuestion` (or dicts):
    ``situation`` (a :class:`dualdash.Situation` or its value: ``kpi_exceeds``, ``kpi_meets``,
    ``kpi_fails``, ``kpi_trending_up``, ``kpi_trending_down``, ``driver``, ``skill_gap``,
    ``meeting_open``, ``meeting_close``), ``text``, and optionally ``kpi``, ``driver`` or ``skill``
    (a key) to narrow a question to one KPI, driver or skill. Questions for a situation are shown in
    a stable order: by plugin load order, then in the order each plugin returned them.
    """


@hookspec
def dualdash_kpi_library():
    """KPI definitions an admin can adopt in one click.

    Called once at start-up. Return a list of :class:`dualdash.KPIDefinition` (or dicts): ``key``,
    ``name``, ``unit`` (count, currency, percent, duration), ``direction`` (higher, lower),
    ``cadence`` (daily, weekly, monthly, quarterly, annual), ``rollup`` (sum, mean, last, min, max),
    ``category`` (financial, operational, customer, people), ``band_rule`` (the name of a loaded
    rule), ``decimals``, ``description`` and a default benchmark ``meets`` / ``exceeds``.
    """


@hookspec
def dualdash_skill_frameworks():
    """Role-skill frameworks: the skills a job role needs.

    Called once at start-up. Return a list of :class:`dualdash.SkillFramework` (or dicts): ``role``
    (a job role name) and ``skills``, a list of :class:`dualdash.Skill` (or dicts): ``key``,
    ``name``, ``description`` and ``expected``, a mapping of the role's level names to the
    proficiency expected at that level (1 Not trained, 2 Trained, 3 Advanced, 4 Expert).
    """


@hookspec
def dualdash_worksheet_sections(meeting, person):
    """Extra sections for a printed 1:1 worksheet.

    Called each time a worksheet is printed, with the meeting (``id``, ``scheduled_for``) and the
    person met (:class:`dualdash.PersonInfo`). Return a list of :class:`dualdash.WorksheetSection`
    (``title``, ``html``), or an empty list. HTML is escaped unless it is ``markupsafe.Markup``.
    """


@hookspec
def dualdash_blueprints():
    """Extra pages: Flask blueprints to register on the app.

    Called once while the app is built. Return a list of ``flask.Blueprint``. Every view declares
    who may see it with ``@allow("<rule>")`` (``from dualdash import allow``; the rules are
    :data:`dualdash.shared.access.RULES`), checked before the view runs; a page without a rule stops
    the app at start-up with an error naming the plugin.
    """


@hookspec
def dualdash_cli_commands():
    """Extra ``dualdash`` commands.

    Called once while the app is built. Return a list of ``click.Command``; each becomes
    ``dualdash <name>`` (and ``flask --app dualdash <name>``).
    """


@hookspec
def dualdash_startup(app):
    """Called once when the app is ready (plugins loaded and validated), with the Flask ``app``.

    Use it to read the plugin's own settings from ``app.config``. Return nothing.
    """
