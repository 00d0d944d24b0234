"""Dual Dash: coach people with KPIs, Performance Drivers and Role Skills.

Plugin authors need only ``from dualdash import hookimpl``; the value types are here too, and
``allow`` for the pages a plugin adds."""
from .access_rules import allow
from .app import create_app
from .hookspecs import hookimpl
from .plugin_types import (Band, BandRule, BenchmarkInfo, CoachingQuestion, Driver, KPIDefinition, KPIInfo,
                           Period, PersonInfo, ScalePoint, Situation, Skill, SkillFramework, WorksheetSection)

__all__ = ["allow", "create_app", "hookimpl", "Band", "BandRule", "BenchmarkInfo", "CoachingQuestion", "Driver",
           "KPIDefinition", "KPIInfo", "Period", "PersonInfo", "ScalePoint", "Situation", "Skill",
           "SkillFramework", "WorksheetSection"]
