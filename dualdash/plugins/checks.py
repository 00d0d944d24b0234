"""Collecting what plugins define and checking it, so a mistake is named at start-up.

Every definition hook is called plugin by plugin, so that a fault names its plugin."""
import dataclasses
import re

from dualdash.plugins.errors import PluginError
from dualdash.plugins.types import (
    CADENCES,
    CATEGORIES,
    DIRECTIONS,
    ROLLUPS,
    UNITS,
    BandRule,
    CoachingQuestion,
    Driver,
    KPIDefinition,
    ScalePoint,
    Situation,
    Skill,
    SkillFramework,
)

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
PROFICIENCIES = (1, 2, 3, 4)
#: Used by a driver that defines no scale of its own.
DEFAULT_SCALE = (ScalePoint(1, "Not yet"), ScalePoint(2, "Sometimes"), ScalePoint(3, "Usually"),
                 ScalePoint(4, "Consistently"), ScalePoint(5, "Role model"))


class Invalid(Exception):
    """A definition that cannot be used; the message says why."""


def collect_definitions(fw):
    """Fill ``fw`` (a :class:`dualdash.plugins.Framework`) from every definition hook."""

    def each(hook, make, store):
        for plugin, items in _results(fw, hook):
            for position, item in enumerate(items, 1):
                try:
                    key, value = make(item)
                    store(plugin, key, value)
                except Invalid as exc:
                    fw.errors.append(PluginError(plugin, hook, f"item {position}: {exc}"))

    def unique(kind, target):
        def store(plugin, key, value):
            if key in target:
                other = fw.provided_by[(kind, key)]
                raise Invalid(f"{kind} '{key}' is already defined by plugin '{other}'")
            target[key] = value
            fw.provided_by[(kind, key)] = plugin
        return store

    each("dualdash_driver_definitions", _driver, unique("driver", fw.drivers))
    each("dualdash_band_rules", _band_rule, unique("band rule", fw.band_rules))
    each("dualdash_coaching_questions", lambda item: _question(item, fw),
         lambda plugin, key, value: fw.questions.append(value))
    each("dualdash_kpi_library", lambda item: _kpi_definition(item, fw), unique("KPI", fw.kpi_library))
    each("dualdash_skill_frameworks", _skill_framework,
         lambda plugin, key, value: fw.skill_frameworks.append(value))


def _results(fw, hook):
    """``(plugin, list)`` for each implementation of ``hook``, in load order."""
    for impl in getattr(fw.manager.hook, hook).get_hookimpls():
        try:
            result = impl.function()
        except Exception as exc:
            fw.errors.append(PluginError(impl.plugin_name, hook, f"raised {type(exc).__name__}: {exc}"))
            continue
        if result is None:
            continue
        if not isinstance(result, (list, tuple)):
            fw.errors.append(PluginError(impl.plugin_name, hook,
                                         f"returned {type(result).__name__}, expected a list"))
            continue
        yield impl.plugin_name, result


def coerce(cls, item):
    """``item`` as a ``cls`` dataclass: already one, or a dict of its fields."""
    if isinstance(item, cls):
        return item
    if not isinstance(item, dict):
        raise Invalid(f"expected a {cls.__name__} or a dict, got {type(item).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(item) - set(fields))
    if unknown:
        raise Invalid(f"unknown field(s) {', '.join(unknown)} for a {cls.__name__}")
    missing = [name for name, f in fields.items() if name not in item
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise Invalid(f"missing field(s) {', '.join(missing)} for a {cls.__name__}")
    return cls(**item)


def _text(value, what, required=True):
    if not isinstance(value, str) or (required and not value.strip()):
        raise Invalid(f"{what} must be {'a non-empty' if required else 'a'} string, got {value!r}")
    return value.strip()


def _key(value, what="key"):
    if not isinstance(value, str) or not KEY.match(value):
        raise Invalid(f"{what} {value!r} must be lowercase letters, digits and _ (starting with a letter)")
    return value


def _choice(value, allowed, what):
    if value not in allowed:
        raise Invalid(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return value


def _driver(item):
    d = coerce(Driver, item)
    scale = tuple(_scale_point(p) for p in d.scale) or DEFAULT_SCALE
    values = [p.value for p in scale]
    if len(scale) < 2 or len(set(values)) != len(values):
        raise Invalid(f"driver '{d.key}': the scale needs at least two points with distinct values")
    roles = (d.roles,) if isinstance(d.roles, str) else tuple(d.roles)
    driver = dataclasses.replace(
        d, key=_key(d.key, "driver key"), name=_text(d.name, "name"),
        description=_text(d.description, "description", required=False),
        good_looks_like=_text(d.good_looks_like, "good_looks_like", required=False),
        scale=tuple(sorted(scale, key=lambda p: p.value)), roles=tuple(_text(r, "role") for r in roles))
    return driver.key, driver


def _scale_point(point):
    if isinstance(point, (list, tuple)) and len(point) in (2, 3):
        point = ScalePoint(*point)
    p = coerce(ScalePoint, point)
    if not isinstance(p.value, int) or isinstance(p.value, bool):
        raise Invalid(f"scale value {p.value!r} must be an integer")
    return dataclasses.replace(p, label=_text(p.label, "scale label"))


def _band_rule(item):
    rule = coerce(BandRule, item)
    if not callable(rule.judge):
        raise Invalid(f"band rule '{rule.name}': judge must be callable")
    rule = dataclasses.replace(rule, name=_key(rule.name, "band rule name"), label=_text(rule.label, "label"))
    return rule.name, rule


def _question(item, fw):
    q = coerce(CoachingQuestion, item)
    try:
        situation = Situation(q.situation)
    except ValueError:
        raise Invalid(f"situation {q.situation!r} is not one of {', '.join(s.value for s in Situation)}") from None
    if q.driver is not None and q.driver not in fw.drivers:
        raise Invalid(f"question names driver '{q.driver}', which no loaded plugin defines")
    return None, dataclasses.replace(q, situation=situation, text=_text(q.text, "text"))


def _kpi_definition(item, fw):
    k = coerce(KPIDefinition, item)
    _key(k.key, "KPI key")
    _text(k.name, "name")
    _choice(k.unit, UNITS, "unit")
    _choice(k.direction, DIRECTIONS, "direction")
    _choice(k.cadence, CADENCES, "cadence")
    _choice(k.rollup, ROLLUPS, "rollup")
    _choice(k.category, CATEGORIES, "category")
    if k.band_rule not in fw.band_rules:
        raise Invalid(f"KPI '{k.key}' uses band rule '{k.band_rule}', which no loaded plugin defines")
    for name in ("meets", "exceeds"):
        value = getattr(k, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise Invalid(f"KPI '{k.key}': {name} must be a number or None")
    if not isinstance(k.decimals, int) or not 0 <= k.decimals <= 6:
        raise Invalid(f"KPI '{k.key}': decimals must be a whole number from 0 to 6")
    return k.key, k


def _skill_framework(item):
    fwk = coerce(SkillFramework, item)
    skills = tuple(_skill(s) for s in fwk.skills)
    keys = [s.key for s in skills]
    if len(set(keys)) != len(keys):
        raise Invalid(f"skill framework for '{fwk.role}' repeats a skill key")
    return None, dataclasses.replace(fwk, role=_text(fwk.role, "role"), skills=skills)


def _skill(item):
    s = coerce(Skill, item)
    _key(s.key, "skill key")
    _text(s.name, "name")
    for level, proficiency in dict(s.expected).items():
        if proficiency not in PROFICIENCIES:
            raise Invalid(f"skill '{s.key}': expected proficiency for level '{level}' must be 1 to 4")
    return s
