"""Role skills: what each level of a role expects, what people can do now, and the gaps between."""
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from dualdash.coaching.models import PROFICIENCIES, RoleSkill, SkillAssessment, SkillExpectation


@dataclass(frozen=True)
class SkillStatus:
    """One skill for one person: expected proficiency for their level, their latest assessment."""

    skill: RoleSkill
    expected: Optional[int]
    current: Optional[int]          # the latest assessment by someone else (None: not assessed)
    self_assessed: Optional[int]    # the person's own latest assessment

    @property
    def gap(self):
        """How many proficiency steps short of the expectation (0: none; unassessed counts as short)."""
        if self.expected is None:
            return 0
        return max(0, self.expected - (self.current or 0))

    @property
    def expected_label(self):
        return PROFICIENCIES.get(self.expected, "—")

    @property
    def current_label(self):
        return PROFICIENCIES.get(self.current, "Not assessed")


def statuses(people):
    """``{person_id: [SkillStatus, …]}`` for people (with ``role_id``/``level_id``), in three queries."""
    role_ids = {p.role_id for p in people if p.role_id}
    skills = defaultdict(list)
    for skill in (RoleSkill.select().where(RoleSkill.role.in_(list(role_ids) or [0]))
                  .order_by(RoleSkill.position, RoleSkill.id)):
        skills[skill.role_id].append(skill)
    skill_ids = [s.id for ss in skills.values() for s in ss]
    expected = {(e.skill_id, e.level_id): e.proficiency
                for e in SkillExpectation.select().where(SkillExpectation.skill.in_(skill_ids or [0]))}
    latest = {}
    for a in (SkillAssessment.select()
              .where(SkillAssessment.person.in_([p.id for p in people] or [0])
                     & SkillAssessment.skill.in_(skill_ids or [0]))
              .order_by(SkillAssessment.assessed_on, SkillAssessment.id)):
        latest[(a.person_id, a.skill_id, a.is_self)] = a.proficiency  # the last one wins
    return {p.id: [SkillStatus(skill=s, expected=expected.get((s.id, p.level_id)),
                               current=latest.get((p.id, s.id, False)),
                               self_assessed=latest.get((p.id, s.id, True)))
                   for s in skills.get(p.role_id, [])]
            for p in people}


def gaps(person):
    """The person's skills that fall short of what their level expects, largest gap first."""
    found = [s for s in statuses([person])[person.id] if s.gap]
    return sorted(found, key=lambda s: -s.gap)


# --- how a gap reads on a page (text and a symbol, never colour alone) -------------------------

@dataclass(frozen=True)
class GapMark:
    """How a skill status reads: ``kind`` (short / met / above / unassessed / none, for a CSS class),
    a ``symbol`` and a short ``text`` (e.g. "▲1 short"), and a ``sentence`` for a person's page."""

    kind: str
    symbol: str
    text: str
    sentence: str

    @property
    def label(self):
        """Symbol and text together, e.g. "▲1 short" or "✓ meets"."""
        if not self.symbol:
            return self.text
        return f"{self.symbol}{self.text}" if self.kind == "short" else f"{self.symbol} {self.text}"


def _steps(n):
    return f"{n} step{'' if n == 1 else 's'}"


def gap_mark(status):
    """The :class:`GapMark` of a :class:`SkillStatus`."""
    if status.expected is None:
        return GapMark("none", "", "no expectation", "Nothing expected at this level.")
    if status.current is None:
        return GapMark("unassessed", "?", f"not assessed ({status.gap} short)",
                       f"Not assessed yet: {status.expected_label} is expected.")
    if status.gap:
        return GapMark("short", "▲", f"{status.gap} short", f"{_steps(status.gap)} short")
    if status.current > status.expected:
        above = status.current - status.expected
        return GapMark("above", "✓", f"+{above} above", f"Meets it, {_steps(above)} above")
    return GapMark("met", "✓", "meets", "Meets the expectation")
