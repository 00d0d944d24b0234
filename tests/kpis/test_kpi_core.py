"""The KPI core: periods, benchmark resolution, roll-ups, bands through the rule hook, writing."""
import datetime

import pytest

from dualdash.kpis import periods, scorecards
from dualdash.kpis.measurements import validate, write
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from dualdash.org import settings as org_settings
from dualdash.plugins.types import Band

D = datetime.date


@pytest.mark.parametrize("text,cadence,start,end", [
    ("2026-11-18", "weekly", D(2026, 11, 16), D(2026, 11, 22)),
    ("2026-W47", "weekly", D(2026, 11, 16), D(2026, 11, 22)),
    ("2026-11", "monthly", D(2026, 11, 1), D(2026, 11, 30)),
    ("2026-Q4", "quarterly", D(2026, 10, 1), D(2026, 12, 31)),
    ("2026", "annual", D(2026, 1, 1), D(2026, 12, 31)),
    ("2026-02-10", "daily", D(2026, 2, 10), D(2026, 2, 10)),
])
def test_periods(text, cadence, start, end):
    p = periods.parse(text, cadence)
    assert (p.start, p.end) == (start, end)
    assert periods.parse(periods.key(p), cadence) == p


def test_week_start_and_fiscal_year_are_followed():
    assert periods.parse("2026-11-18", "weekly", week_start=6).start == D(2026, 11, 15)  # Sunday weeks
    q1 = periods.parse("2026-Q1", "quarterly", fy_month=4)
    assert (q1.start, q1.end) == (D(2026, 4, 1), D(2026, 6, 30))
    assert periods.containing(D(2027, 2, 1), "annual", fy_month=4).start == D(2026, 4, 1)


@pytest.mark.parametrize("text,cadence,message", [
    ("2026-W47", "monthly", "is a week, but this KPI is monthly"),
    ("2026-02-30", "weekly", "not a real date"),
    ("2026-W60", "weekly", "has no week 60"),
    ("next week", "weekly", "is not a period"),
    ("", "weekly", "empty"),
])
def test_bad_periods(text, cadence, message):
    with pytest.raises(ValueError, match=message):
        periods.parse(text, cadence)


@pytest.fixture
def setup(app, sample_org):
    """Weekly "calls" (higher is better, summed) and "response" (lower is better) on the AE scorecard."""
    calls = KPI.create(key="calls", name="Calls", cadence="weekly", rollup="sum", direction="higher")
    response = KPI.create(key="response", name="Response time", cadence="weekly", rollup="mean",
                          direction="lower", unit="duration")
    card = Scorecard.create(name="AE", role=sample_org.roles.ae)
    ScorecardKPI.create(scorecard=card, kpi=calls, position=1)
    ScorecardKPI.create(scorecard=card, kpi=response, position=2)
    Benchmark.create(kpi=calls, meets=10, exceeds=20)                               # the KPI's default
    Benchmark.create(kpi=calls, role=sample_org.roles.ae, level=sample_org.levels["Ramping"],
                     meets=5, exceeds=8)                                              # ramping AEs
    Benchmark.create(kpi=calls, meets=12, exceeds=24, effective_from=D(2026, 11, 9))  # raised from W46
    Benchmark.create(kpi=response, meets=60, exceeds=30)
    return sample_org, calls, response


def card_for(person, view, **kw):
    person = scorecards.people_with_details([person.id])[person.id]
    return scorecards.build([person], view, **kw)[0]


def put(person, kpi, start, value):
    Measurement.create(person=person, kpi=kpi, period_start=start, value=value)


def test_level_line_and_effective_dates(app, setup):
    org, calls, response = setup
    for who in (org.member, org.member2):      # Ramping, Established
        put(who, calls, D(2026, 11, 2), 9)     # W45: before the raise
        put(who, calls, D(2026, 11, 9), 11)    # W46: after it
    with app.test_request_context():
        ramping = card_for(org.member, periods.parse("2026-W46", "weekly"), history=2)
        established = card_for(org.member2, periods.parse("2026-W46", "weekly"), history=2)
    r = ramping.rows[0]
    assert [p.band for p in r.history] == [Band.EXCEEDS, Band.EXCEEDS]  # 9 and 11 against 5/8
    e = established.rows[0]
    assert [p.band for p in e.history] == [Band.FAILS, Band.FAILS]    # 9 < 10 then, 11 < 12 now
    assert [p.benchmark.meets for p in e.history] == [10, 12]
    assert e.current.attainment == pytest.approx(11 / 12)


def test_lower_is_better_and_no_data(app, setup):
    org, calls, response = setup
    put(org.member2, response, D(2026, 11, 16), 25)
    with app.test_request_context():
        card = card_for(org.member2, periods.parse("2026-W47", "weekly"), history=1)
    by_key = {row.kpi.key: row for row in card.rows}
    assert by_key["response"].current.band == Band.EXCEEDS
    assert by_key["response"].current.attainment == pytest.approx(60 / 25)
    assert by_key["calls"].current.value is None and by_key["calls"].current.band is None
    assert card.counts[Band.EXCEEDS] == 1 and card.counts[None] == 1


def test_monthly_view_rolls_up_and_scales_a_summed_kpi(app, setup):
    org, calls, response = setup
    for start, value in [(D(2026, 10, 5), 3), (D(2026, 10, 12), 4), (D(2026, 10, 19), 5), (D(2026, 10, 26), 6)]:
        put(org.member2, calls, start, value)
        put(org.member2, response, start, value * 10)
    with app.test_request_context():
        card = card_for(org.member2, periods.parse("2026-10", "monthly"), history=1)
    by_key = {row.kpi.key: row for row in card.rows}
    assert by_key["calls"].current.value == 18
    assert by_key["calls"].current.benchmark.meets == 40        # 4 weeks × 10
    assert by_key["calls"].current.band == Band.FAILS
    assert by_key["response"].current.value == pytest.approx(45)  # mean
    assert by_key["response"].current.band == Band.MEETS


def test_trend_and_questions(app, setup):
    org, calls, response = setup
    for i, value in enumerate([30, 25, 21]):
        put(org.member2, calls, D(2026, 11, 2) + datetime.timedelta(weeks=i), value)
    with app.test_request_context():
        row = card_for(org.member2, periods.parse("2026-W47", "weekly"), history=3).rows[0]
    assert row.trend == "down" and row.current.band == Band.MEETS and row.previous_band == Band.EXCEEDS
    texts = [q.text for q in row.questions]
    assert any("slipped" in t for t in texts)      # trending down
    assert any("on the line" in t for t in texts)  # changed band into Meets


def test_write_is_all_or_nothing_and_idempotent(app, setup):
    org, calls, response = setup
    rows = [(2, "member@example.com", "calls", "2026-W47", "7", ""),
            (3, "member@example.com", "response", "2026-11-18", "33.5", "slow week")]
    with app.test_request_context():
        entries, problems = validate(org.manager, rows)
        assert not problems
        counts = write(entries, org.manager.id)
        assert (counts.created, counts.updated) == (2, 0)
        again = write(validate(org.manager, rows)[0], org.manager.id)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
        entries, problems = validate(org.manager, rows + [(4, "peer_report@example.com", "calls", "2026-W47", "x", "")])
    assert {(p.where, p.field) for p in problems} == {(4, "person"), (4, "value")}
    assert Measurement.select().count() == 2


def test_members_write_only_when_self_reporting(app, setup):
    org, calls, response = setup
    row = [(1, "member@example.com", "calls", "2026-W47", "4", "")]
    with app.test_request_context():
        assert validate(org.member, row)[1]
        org_settings.save(org_settings.OrgSettings(self_reporting=True))
        assert not validate(org.member, row)[1]


def test_a_view_in_progress_is_judged_against_the_target_so_far(app, setup):
    org, calls, response = setup
    for start in (D(2026, 10, 5), D(2026, 10, 12)):
        put(org.member2, calls, start, 12)
    with app.test_request_context():
        card = card_for(org.member2, periods.parse("2026-10", "monthly"), history=1, today=D(2026, 10, 14))
    row = card.rows[0]
    assert row.current.value == 24 and row.current.benchmark.meets == 20  # two weeks so far × 10
    assert row.current.band == Band.MEETS
