"""Dual Dash: coach people with KPIs, Performance Drivers and Role Skills.

Plugin authors need only ``from dualdash import hookimpl``; the value types are here too, ``allow`` for
the pages a plugin adds, and ``define_rules``, ``Rule`` and ``Need`` for access rules of its own."""
from dualdash.app import create_app
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

__all__ = ["allow", "define_rules", "Need", "Rule", "create_app", "hookimpl", "Band", "BandRule", "BenchmarkInfo",
           "CoachingQuestion", "Driver", "KPIDefinition", "KPIInfo", "Period", "PersonInfo", "ScalePoint",
           "Situation", "Skill", "SkillFramework", "WorksheetSection"]
