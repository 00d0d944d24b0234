"""All tables of Dual Dash. Import models from here."""
from .base import BaseModel, utcnow
from .coaching import (PROFICIENCIES, ActionItem, AgendaItem, DriverRating, Meeting, PrivateNote, RoleSkill,
                       SkillAssessment, SkillExpectation)
from .kpis import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from .org import JobRole, Level, Person, Team
from .sign_ins import SignInFailure
from .system import ApiToken, AuditLog, Setting

#: In dependency order (a table comes after those it references).
ALL_MODELS = [Team, JobRole, Level, Person, KPI, Scorecard, ScorecardKPI, Benchmark, Measurement,
              Meeting, PrivateNote, AgendaItem, ActionItem, DriverRating, RoleSkill, SkillExpectation,
              SkillAssessment, AuditLog, ApiToken, Setting, SignInFailure]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "PROFICIENCIES", "BaseModel", "utcnow"]
