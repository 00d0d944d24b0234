"""A promotion does not re-colour the past (issue 13, item 2): every period, rank stack and
results × drivers range is judged by the job role, level and team the person held then."""
import datetime

import pytest

from dualdash.coaching.models import DriverRating
from dualdash.kpis.models import Benchmark, Measurement
from dualdash.org import assignments
from dualdash.org.models import Person, PersonAssignment, Team
from dualdash.web.tokens import issue_token

D = datetime.date
W45, W46, W47 = D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16)
PROMOTED = W47


def bearer(person):
    return {"Authorization": f"Bearer {issue_token(person, 'test')[1]}"}


@pytest.fixture
def promoted(app, sample_org, sample_kpis, as_admin):
    """Mo Member (Ramping) sells 4,463 in 2026-W45 and again in W47, and is promoted to Established
    from W47 on, through the admin page. Revenue lines: Ramping 3,000 / 4,500, Established 6,000 / 9,000."""
    o, k = sample_org, sample_kpis
    with app.app_context():
        Benchmark.create(kpi=k.revenue, role=o.roles.ae, level=o.levels["Ramping"], meets=3000, exceeds=4500)
        Benchmark.create(kpi=k.revenue, role=o.roles.ae, level=o.levels["Established"], meets=6000, exceeds=9000)
        for week in (W45, W47):
            Measurement.create(person=o.member, kpi=k.revenue, period_start=week, value=4463)
    data = {"email": o.member.email, "name": o.member.name, "team": o.teams.sales.id, "role": o.roles.ae.id,
            "level": o.levels["Established"].id, "manager": o.manager.email, "start_date": "",
            "effective_from": PROMOTED.isoformat(), "active": "y", "password": ""}
    response = as_admin.post(f"/admin/people/{o.member.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return o, k


def scorecard_rows(client, person, period):
    import csv
    import io
    response = client.get(f"/people/{person.id}/scorecard?period={period}&range=4&format=csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    return {r["kpi"]: r for r in rows}


def test_a_promotion_keeps_past_bands_on_the_scorecard_rank_stack_and_api(app, promoted, as_admin, client):
    o, k = promoted
    with app.app_context():
        assert Person.get_by_id(o.member.id).level_id == o.levels["Established"].id  # the current level
    # The scorecard page: W45 was judged as a Ramping AE (149 % of 3,000), W47 as Established.
    past = scorecard_rows(as_admin, o.member, "2026-W45")["revenue"]
    assert (past["band"], past["meets"], past["benchmark_for"]) == ("Meets", "3000.00", "Account Executive, Ramping")
    now = scorecard_rows(as_admin, o.member, "2026-W47")["revenue"]
    assert (now["band"], now["meets"], now["benchmark_for"]) == ("Fails", "6000.00", "Account Executive, Established")
    page = as_admin.get(f"/people/{o.member.id}/scorecard?period=2026-W45&range=4").get_data(as_text=True)
    assert "Meets $3,000.00" in page and "Meets $6,000.00" not in page

    # The JSON scorecard, with its history.
    card = client.get("/api/v1/people/member@example.com/scorecard", query_string={"period": "2026-W47", "history": 3},
                      headers=bearer(o.admin)).json
    revenue = next(r for r in card["kpis"] if r["key"] == "revenue")
    assert [(h["period"], h["band"]) for h in revenue["history"]] == [
        ("2026-W45", "meets"), ("2026-W46", None), ("2026-W47", "fails")]
    card = client.get("/api/v1/people/member@example.com/scorecard", query_string={"period": "2026-W45", "history": 1},
                      headers=bearer(o.admin)).json
    revenue = next(r for r in card["kpis"] if r["key"] == "revenue")
    assert revenue["band"] == "meets" and revenue["benchmark"]["meets"] == 3000
    assert revenue["benchmark"]["level"] == "Ramping"

    # The rank stack of W45 (page and API), and of W47.
    stack = client.get("/api/v1/rank-stacks/revenue", query_string={"from": "2026-W45", "to": "2026-W45"},
                       headers=bearer(o.admin)).json
    mine = next(r for r in stack["rows"] if r["name"] == "Mo Member")
    assert mine["band"] == "meets" and mine["attainment"] == pytest.approx(4463 / 3000, abs=1e-4)
    html = as_admin.get("/rank-stacks/revenue?from=2026-W45&to=2026-W45").get_data(as_text=True)
    row = html.split("Mo Member", 1)[1].split("</tr>", 1)[0]
    assert "Meets" in row and "149%" in row
    stack = client.get("/api/v1/rank-stacks/revenue", query_string={"from": "2026-W47", "to": "2026-W47"},
                       headers=bearer(o.admin)).json
    assert next(r for r in stack["rows"] if r["name"] == "Mo Member")["band"] == "fails"


def test_rank_stack_groups_by_the_role_and_team_held_then(app, promoted, as_admin, client):
    o, k = promoted
    with app.app_context():
        member = Person.get_by_id(o.member.id)
        # Moved to Support (as a Support Agent) from W47 on: W45 still counts for Sales.
        assignments.change(member, W47, o.roles.agent.id, None, o.teams.support.id)
        member.save()
    args = {"from": "2026-W45", "to": "2026-W45", "by": "team"}
    stack = client.get("/api/v1/rank-stacks/revenue", query_string=args, headers=bearer(o.admin)).json
    assert [r["name"] for r in stack["rows"]] == ["Sales"]
    args["by"] = "role"
    stack = client.get("/api/v1/rank-stacks/revenue", query_string=args, headers=bearer(o.admin)).json
    assert [r["name"] for r in stack["rows"]] == ["Account Executive"]
    args.update({"from": "2026-W47", "to": "2026-W47", "by": "team"})
    stack = client.get("/api/v1/rank-stacks/revenue", query_string=args, headers=bearer(o.admin)).json
    assert [r["name"] for r in stack["rows"]] == ["Support"]


def test_results_drivers_judges_each_week_by_the_level_held_then(app, promoted, as_admin):
    from dualdash.coaching import results_drivers
    from dualdash.kpis import periods
    o, k = promoted
    with app.app_context():
        people = results_drivers.people_in({o.teams.sales.id})
        first, last = (periods.containing(W45, "weekly", 0, 1), periods.containing(W47, "weekly", 0, 1))
        view = results_drivers.build(Team.get_by_id(o.teams.sales.id), people, first, last)
        mo = next(p for p in view.placements if p.person.id == o.member.id)
        # Revenue: W45 4,463 / 3,000 and W47 4,463 / 6,000 (calls: no values).
        assert mo.attainment == pytest.approx((4463 / 3000 + 4463 / 6000) / 2)
        assert DriverRating.select().count() == 0


def test_before_the_first_assignment_and_without_history(app, sample_org, sample_kpis):
    o = sample_org
    history = [assignments.Held(D(2026, 1, 1), 1, 1, 1), assignments.Held(D(2026, 6, 1), 2, 2, 2)]
    assert assignments.in_force(history, D(2025, 1, 1)).role_id == 1  # before the first: the first
    assert assignments.in_force(history, D(2026, 6, 1)).role_id == 2
    assert assignments.in_force(history, D(2026, 5, 31)).role_id == 1
    assert assignments.in_force([], D(2026, 1, 1), "now") == "now"
    with app.app_context():
        member = Person.get_by_id(o.member.id)
        assert not assignments.history_of(member)
        assignments.change(member, W47, o.roles.ae.id, o.levels["Senior"].id, o.teams.sales.id)
        # The history starts with what they held (from 1900-01-01: no start date), then the change.
        assert [(h.effective_from, h.level) for h in assignments.history_of(member)] == [
            (assignments.EARLIEST, "Ramping"), (W47, "Senior")]
        assert member.level_id == o.levels["Senior"].id
        # A change dated before the latest one is history: the current values stay the latest's.
        assignments.change(member, W45, o.roles.ae.id, o.levels["Established"].id, o.teams.sales.id)
        assert member.level_id == o.levels["Senior"].id
        assert PersonAssignment.select().where(PersonAssignment.person == member.id).count() == 3


def grow(org, kpis, count):
    """``count`` more people, each promoted half-way, with revenue every week."""
    for i in range(count):
        p = Person.create(email=f"extra{i}@example.com", name=f"Extra {i}", team=org.teams.sales,
                          role=org.roles.ae, level=org.levels["Ramping"], manager=org.manager)
        assignments.change(p, W46, org.roles.ae.id, org.levels["Established"].id, org.teams.sales.id)
        p.save()
        for week in (W45, W46, W47):
            Measurement.create(person=p, kpi=kpis.revenue, period_start=week, value=1000 * i)


def test_a_fixed_number_of_queries_with_histories(app, promoted, as_admin, count_queries):
    o, k = promoted
    token = bearer(o.admin)
    api = app.test_client()
    pages = [
        lambda: as_admin.get(f"/people/{o.member.id}/scorecard?period=2026-W47&range=4"),
        lambda: as_admin.get(f"/teams/{o.teams.sales.id}/scorecard?period=2026-W47"),
        lambda: as_admin.get("/scorecards/?period=2026-W47"),
        lambda: as_admin.get("/rank-stacks/revenue?from=2026-W45&to=2026-W47"),
        lambda: as_admin.get("/rank-stacks/revenue?from=2026-W45&to=2026-W47&by=role"),
        lambda: as_admin.get(f"/teams/{o.teams.sales.id}/results-drivers?from=2026-W45&to=2026-W47"),
        lambda: api.get("/api/v1/rank-stacks/revenue", query_string={"from": "2026-W45", "to": "2026-W47"},
                        headers=token),
        lambda: api.get("/api/v1/people/member@example.com/scorecard", query_string={"period": "2026-W47"},
                        headers=token),
    ]

    def counts():
        found = []
        for page in pages:
            assert page().status_code == 200  # and warm (sessions, plugin state)
            found.append(count_queries(page))
        return found

    with app.app_context():
        grow(o, k, 3)
    small = counts()
    with app.app_context():
        grow_more = [Person.select().count()]
        for i in range(3, 30):
            p = Person.create(email=f"extra{i}@example.com", name=f"Extra {i}", team=o.teams.sales,
                              role=o.roles.ae, level=o.levels["Ramping"], manager=o.manager)
            assignments.change(p, W46, o.roles.ae.id, o.levels["Established"].id, o.teams.sales.id)
            p.save()
            for week in (W45, W46, W47):
                Measurement.create(person=p, kpi=k.revenue, period_start=week, value=1000 * i)
        assert Person.select().count() > grow_more[0] + 20
    assert counts() == small
    print("queries per page:", small)
