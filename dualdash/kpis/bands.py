"""Judging a value into a band, always through the KPI's named band rule (a plugin)."""
from dataclasses import dataclass
from typing import Optional

from dualdash.plugins import manager as plugins
from dualdash.plugins.types import Band


@dataclass(frozen=True)
class Judgement:
    """The band (None: no band) and, when a plugin failed, the message saying which."""

    band: Optional[Band]
    rule: str
    error: Optional[str] = None


def judge(rule_name, value, kpi, benchmark, person, period):
    """Band ``value`` with the rule named ``rule_name``.

    ``kpi``, ``benchmark``, ``person`` and ``period`` are the plain values of
    :mod:`dualdash.plugins.types`. A missing rule, a rule that raises, or an answer that is not a
    band gives no band and an error naming the plugin (also listed on the page) — never a guess."""
    fw = plugins.current()
    rule = fw.band_rules.get(rule_name)
    if rule is None:
        error = plugins.report_failure("(none)", "dualdash_band_rules",
                                       LookupError(f"no loaded plugin defines band rule '{rule_name}'"))
        return Judgement(None, rule_name, str(error))
    plugin = fw.provided_by[("band rule", rule_name)]
    try:
        answer = rule.judge(value=value, kpi=kpi, benchmark=benchmark, person=person, period=period)
    except Exception as exc:  # the plugin's bug: contained, named, logged
        error = plugins.report_failure(plugin, "dualdash_band_rules", exc, f" (band rule '{rule_name}')")
        return Judgement(None, rule_name, str(error))
    if answer is None or isinstance(answer, Band):
        return Judgement(answer, rule_name)
    try:
        return Judgement(Band(answer), rule_name)
    except ValueError:
        error = plugins.report_failure(plugin, "dualdash_band_rules",
                                       ValueError(f"band rule '{rule_name}' returned {answer!r}, not a band"))
        return Judgement(None, rule_name, str(error))
