"""Dual Dash: coach people with KPIs, Performance Drivers and Role Skills.

Plugin authors need only ``from dualdash import hookimpl``; the value types are here too, ``allow`` for
the pages a plugin adds, and ``define_rules``, ``Rule`` and ``Need`` for access rules of its own; and the
functions every page writes dates, times, numbers and KPI values with (``date_text``, ``datetime_text``,
``time_text``, ``iso_text``, ``number_text``, ``currency_text``, ``value_text``), so a plugin's text reads
like the rest."""
from dualdash.app import create_app
from dualdash.kpis.values_text import value_text
from dualdash.plugins.hookspecs import hookimpl
from dualdash.plugins.types import (
           Band,
           BandRule,
           BenchmarkInfo,
           CoachingQuestion,
           Driver,
           KPIDefinition,
           KPIInfo,
           Period,
           PersonInfo,
           ScalePoint,
           Situation,
           Skill,
           SkillFramework,
           WorksheetSection,
)
from dualdash.shared.access import Need, Rule, allow, define_rules
from dualdash.shared.formats import currency_text, date_text, datetime_text, iso_text, number_text, time_text

__all__ = ["allow", "define_rules", "Need", "Rule", "create_app", "hookimpl", "Band", "BandRule", "BenchmarkInfo",
           "CoachingQuestion", "Driver", "KPIDefinition", "KPIInfo", "Period", "PersonInfo", "ScalePoint",
           "Situation", "Skill", "SkillFramework", "WorksheetSection", "date_text", "datetime_text", "time_text",
           "iso_text", "number_text", "currency_text", "value_text"]
