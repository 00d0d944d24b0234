"""Every table of Dual Dash in one place, for scripts, plugins and the whole-database tools (export,
import-all, test resets). Each table lives in its domain package; code inside the package imports it
from there, never from here."""
from dualdash.coaching.models import (
              PROFICIENCIES,
              ActionItem,
              AgendaItem,
              DriverRating,
              Meeting,
              PrivateNote,
              RoleSkill,
              SkillAssessment,
              SkillExpectation,
)
from dualdash.db import BaseModel, utcnow
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI, TeamMeasurement
from dualdash.org.audit import AuditLog
from dualdash.org.models import JobRole, Level, Person, PersonAssignment, Setting, Team
from dualdash.web.models import ApiToken, SignInFailure

#: In dependency order (a table comes after those it references).
ALL_MODELS = [Team, JobRole, Level, Person, PersonAssignment, KPI, Scorecard, ScorecardKPI, Benchmark, Measurement,
              TeamMeasurement, Meeting, PrivateNote, AgendaItem, ActionItem, DriverRating, RoleSkill,
              SkillExpectation, SkillAssessment, AuditLog, ApiToken, Setting, SignInFailure]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "PROFICIENCIES", "BaseModel", "utcnow"]
