"""Team values (issue 13, item 3): a KPI put on a team's own scorecard under Admin → Scorecards is
shown on the team scorecard, entered in the grid and through the CSV import, answered by the API,
judged against the line for everyone and banded through the KPI's band rule; who may see and enter
it; and a fixed number of queries."""
import datetime
import re

import pytest

from dualdash.kpis.models import KPI, Benchmark, Scorecard, ScorecardKPI, TeamMeasurement
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person, Team
from dualdash.testing import login
from dualdash.web.tokens import issue_token

D = datetime.date
W46, W47 = D(2026, 11, 9), D(2026, 11, 16)
GRID = "/measurements/grid?period=2026-W47"


def text(response):
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def stored():
    return {(m.team_id, m.kpi_id, m.period_start): (m.value, m.note) for m in TeamMeasurement.select()}


def team_section(response):
    html = response.get_data(as_text=True)
    assert 'id="team-kpis-title"' in html, "no Team KPIs section"
    section = html.split('<section class="team-kpis"', 1)[1].split("</section>", 1)[0]
    section = re.sub(r"<svg\b.*?</svg>", " ", section, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


@pytest.fixture
def team_kpis(app, sample_org, sample_kpis):
    """``pipeline`` (weekly, summed; everyone's line Meets 100 / Exceeds 200; an Account Executive
    line 5 / 6 that must not apply to a team) and ``csat`` (band rule ``target``, lower is better) on
    the Sales team's own scorecard; ``calls`` on the Support team's."""
    o = sample_org
    with app.app_context():
        pipeline = KPI.create(key="pipeline", name="Team pipeline", cadence="weekly", rollup="sum")
        csat = KPI.create(key="escalations", name="Escalations", cadence="weekly", rollup="sum",
                          direction="lower", band_rule="target")
        Benchmark.create(kpi=pipeline, meets=100, exceeds=200)
        Benchmark.create(kpi=pipeline, role=o.roles.ae, meets=5, exceeds=6)
        Benchmark.create(kpi=csat, meets=10, exceeds=3)
        sales = Scorecard.create(name="Sales", team=o.teams.sales)
        ScorecardKPI.create(scorecard=sales, kpi=pipeline, position=1)
        ScorecardKPI.create(scorecard=sales, kpi=csat, position=2)
        support = Scorecard.create(name="Support", team=o.teams.support)
        ScorecardKPI.create(scorecard=support, kpi=sample_kpis.calls, position=1)
    return pipeline, csat


def put(team, kpi, start, value, note=None):
    TeamMeasurement.create(team=team, kpi=kpi, period_start=start, value=value, note=note)


# --- the team scorecard ----------------------------------------------------------------------------

def test_team_scorecard_shows_the_teams_own_kpis_banded(as_manager, sample_org, team_kpis):
    o, (pipeline, esc) = sample_org, team_kpis
    put(o.teams.sales, pipeline, D(2026, 11, 2), 90)
    put(o.teams.sales, pipeline, W46, 120)
    put(o.teams.sales, pipeline, W47, 250)
    put(o.teams.sales, esc, W47, 12)
    response = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2026-W47")
    assert response.status_code == 200
    section = team_section(response)
    assert "Team KPIs" in response.get_data(as_text=True)
    # The line for everyone applies (not the Account Executive one): 250 ≥ 200 exceeds.
    assert re.search(r"Team pipeline 250 Meets 100 · Exceeds 200 Everyone Exceeds", section), section
    # Through the KPI's own band rule (target, lower is better): 12 > 10 fails.
    assert re.search(r"Escalations 12 Meets 10 · Exceeds 3 Everyone · lower is better Fails", section), section
    assert "Getting better" in section  # 90 → 120 → 250
    html = response.get_data(as_text=True)
    assert html.count("<svg") >= 2  # a sparkline per team KPI
    # The CSV carries the team's own lines too.
    rows = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2026-W47&format=csv").get_data(as_text=True)
    assert "pipeline,Team pipeline,count,250,Exceeds,Everyone,100,200,250.0,team" in rows


def test_team_values_are_hidden_from_a_manager_with_nobody_in_the_team(app, sample_org, team_kpis):
    o, (pipeline, _) = sample_org, team_kpis
    with app.app_context():
        put(o.teams.sales, pipeline, W47, 250)
    peer = login(app.test_client(), o.peer)
    response = peer.get(f"/teams/{o.teams.sales.id}/scorecard?period=2026-W47")
    # A team outside one's line is refused, with the reason (issue 13, item 19): nothing of it shows.
    assert response.status_code == 403
    assert "Team KPIs" not in response.get_data(as_text=True) and "Team pipeline" not in text(response)
    # Their own team's KPIs they see (calls on Support's scorecard, no value yet).
    response = peer.get(f"/teams/{o.teams.support.id}/scorecard?period=2026-W47")
    assert "Calls made No data" in team_section(response)


def test_a_team_without_people_still_shows_its_kpis(as_admin, sample_org, team_kpis):
    o = sample_org
    response = as_admin.get(f"/teams/{o.teams.support.id}/scorecard?period=2026-W47&scope=team")
    assert "Calls made No data" in team_section(response)


def test_a_failing_band_rule_names_itself_not_a_500(as_manager, app, sample_org, team_kpis):
    o, (pipeline, _) = sample_org, team_kpis
    with app.app_context():
        KPI.update(band_rule="no_such_rule").where(KPI.id == pipeline.id).execute()
        put(o.teams.sales, pipeline, W47, 250)
    response = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2026-W47")
    assert response.status_code == 200
    assert re.search(r"Team pipeline 250 .* No band", team_section(response))


# --- the grid --------------------------------------------------------------------------------------

def test_the_grid_has_a_row_for_the_team_and_saves_it(as_manager, app, sample_org, team_kpis):
    o, (pipeline, esc) = sample_org, team_kpis
    html = as_manager.get(GRID).get_data(as_text=True)
    assert "Team: Company / Sales" in html
    assert "Team: Company / Support" not in html  # nobody below Maria is in Support
    name = f"v-t{o.teams.sales.id}-{pipeline.id}"
    assert f'name="{name}"' in html
    response = as_manager.post(GRID, data={name: "150", f"n-t{o.teams.sales.id}-{pipeline.id}": "Big week",
                                           f"v-t{o.teams.sales.id}-{esc.id}": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert stored() == {(o.teams.sales.id, pipeline.id, W47): (150, "Big week")}
        entry = AuditLog.select().where(AuditLog.object_type == "TeamMeasurement").get()
        assert entry.action == "create"
    html = as_manager.get(GRID).get_data(as_text=True)
    assert re.search(r'name="%s"[^>]*value="150"' % name, html)
    # Clearing it removes it.
    assert as_manager.post(GRID, data={name: ""}).status_code == 302
    with app.app_context():
        assert stored() == {}


def test_a_bad_team_value_is_explained_and_nothing_is_saved(as_manager, app, sample_org, team_kpis):
    o, (pipeline, _) = sample_org, team_kpis
    name = f"v-t{o.teams.sales.id}-{pipeline.id}"
    response = as_manager.post(GRID, data={name: "lots", f"v-{o.member.id}-{pipeline.id}": "3"})
    assert response.status_code == 400
    page = text(response)
    assert "Team pipeline for the team Sales" in page and "“lots” is not a number." in page
    assert 'value="lots"' in response.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert stored() == {}


def test_another_managers_team_cell_is_refused(app, sample_org, team_kpis):
    o, (pipeline, _) = sample_org, team_kpis
    peer = login(app.test_client(), o.peer)
    response = peer.post(GRID, data={f"v-t{o.teams.sales.id}-{pipeline.id}": "999"})
    assert response.status_code == 400
    assert "not in this grid" in text(response)
    with app.app_context():
        assert stored() == {}


# --- the CSV import --------------------------------------------------------------------------------

def test_the_import_takes_team_lines_beside_person_lines(runner, app, sample_org, sample_kpis, team_kpis,
                                                         tmp_path):
    o, (pipeline, _) = sample_org, team_kpis
    path = tmp_path / "values.csv"
    path.write_text("person,team,kpi,period,value,note\n"
                    "member@example.com,,calls,2026-W47,7,\n"
                    ",Sales,pipeline,2026-W47,180,from the CRM\n"
                    ",support,calls,2026-11-18,40,\n")
    result = runner.invoke(args=["import", "measurements", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    with app.app_context():
        assert stored() == {(o.teams.sales.id, pipeline.id, W47): (180, "from the CRM"),
                            (o.teams.support.id, sample_kpis.calls.id, W47): (40, None)}
    again = runner.invoke(args=["import", "measurements", str(path)])
    assert again.exit_code == 0 and "3 unchanged" in again.output


def test_a_team_column_alone_is_enough(runner, app, sample_org, team_kpis, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("team,kpi,period,value\nSales,pipeline,2026-W47,5\n")
    result = runner.invoke(args=["import", "measurements", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert len(stored()) == 1


def test_bad_team_lines_are_listed_and_nothing_is_written(runner, app, sample_org, team_kpis, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("person,team,kpi,period,value\n"
                    ",Nowhere,pipeline,2026-W47,1\n"
                    ",Support,pipeline,2026-W47,1\n"
                    "member@example.com,Sales,pipeline,2026-W47,1\n"
                    ",Sales,pipeline,2026-W47,-1\n"
                    ",,pipeline,2026-W47,1\n"
                    ",Sales,pipeline,2026-W48,1\n"
                    ",Sales,pipeline,2026-11-25,2\n")
    result = runner.invoke(args=["import", "measurements", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "line 2, column team: there is no team named “Nowhere”." in lines
    assert ("line 3, column kpi: Team pipeline (pipeline) is not on the scorecard of the team Support: add it "
            "under Admin → Scorecards first.") in lines
    assert "line 4, column team: a line names a person or a team, not both: leave one of the two empty." in lines
    assert "line 5, column value: a count cannot be negative." in lines
    assert "line 6, column person: give the person's email or the team's name." in lines
    assert "line 8, column period: the same team, KPI and period as line 7." in lines
    with app.app_context():
        assert stored() == {}
    path.write_text("kpi,period,value\npipeline,2026-W47,1\n")
    result = runner.invoke(args=["import", "measurements", str(path)])
    assert result.exit_code == 1 and "column person: a column person" in result.stderr


def test_a_manager_imports_only_for_teams_with_someone_below_them(as_manager, app, sample_org, team_kpis):
    import io
    content = b"team,kpi,period,value\nSupport,calls,2026-W47,3\nSales,pipeline,2026-W47,4\n"
    response = as_manager.post("/measurements/import", data={"file": (io.BytesIO(content), "t.csv")},
                               content_type="multipart/form-data")
    assert response.status_code == 400
    assert "you may not enter values for the team Support" in text(response)
    with app.app_context():
        assert stored() == {}
    content = b"team,kpi,period,value\nSales,pipeline,2026-W47,4\n"
    response = as_manager.post("/measurements/import", data={"file": (io.BytesIO(content), "t.csv")},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert list(stored().values()) == [(4, None)]


# --- the API ---------------------------------------------------------------------------------------

def test_the_api_answers_a_teams_values(app, sample_org, team_kpis):
    o, (pipeline, _) = sample_org, team_kpis
    with app.app_context():
        put(o.teams.sales, pipeline, W47, 150)
        token = issue_token(o.manager, "t")[1]
        peer_token = issue_token(o.peer, "t")[1]
    client = app.test_client()
    url = f"/api/v1/teams/{o.teams.sales.id}/scorecard?period=2026-W47&history=2"
    body = client.get(url, headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["team"] == {"id": o.teams.sales.id, "name": "Sales"}
    assert body["counts"] == {"exceeds": 0, "meets": 1, "fails": 0, "none": 1}
    first = body["kpis"][0]
    assert (first["key"], first["value"], first["band"]) == ("pipeline", 150, "meets")
    assert first["benchmark"]["meets"] == 100 and first["benchmark"]["role"] is None
    assert [p["value"] for p in first["history"]] == [None, 150]
    refused = client.get(url, headers={"Authorization": f"Bearer {peer_token}"})
    assert refused.status_code == 403
    bad = client.get(url.replace("2026-W47", "2026-W99"), headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400 and bad.get_json()["message"]
    missing = client.get("/api/v1/teams/99999/scorecard", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404


# --- queries ---------------------------------------------------------------------------------------

def test_a_fixed_number_of_queries(as_manager, app, sample_org, team_kpis, count_queries):
    o, (pipeline, esc) = sample_org, team_kpis
    pages = [f"/teams/{o.teams.sales.id}/scorecard?period=2026-W47", GRID,
             f"/teams/{o.teams.company.id}/scorecard?period=2026-W47"]
    with app.app_context():  # every page shown has a team KPI from the start (none at all needs fewer queries)
        ScorecardKPI.create(scorecard=Scorecard.create(name="Company", team=o.teams.company), kpi=esc, position=1)
        put(o.teams.sales, pipeline, W47, 1)

    def counts():
        found = []
        for url in pages:
            def get(url=url):
                assert as_manager.get(url).status_code == 200
            found.append(count_queries(get))
        return found
    small = counts()
    with app.app_context():
        for i in range(6):
            kpi = KPI.create(key=f"team_{i}", name=f"Team KPI {i}", cadence="weekly")
            Benchmark.create(kpi=kpi, meets=i, exceeds=i + 1)
            for team in (o.teams.sales, o.teams.company):
                card = Scorecard.get(Scorecard.team == team)
                ScorecardKPI.create(scorecard=card, kpi=kpi, position=10 + i)
                for week in (W46, W47):
                    put(team, kpi, week, i)
            sub = Team.create(name=f"Sales {i}", parent=o.teams.sales)
            Person.create(email=f"sub{i}@example.com", name=f"Sub {i}", team=sub, manager=o.manager,
                          role=o.roles.ae)
            ScorecardKPI.create(scorecard=Scorecard.create(name=sub.name, team=sub), kpi=pipeline, position=1)
    assert counts() == small
    assert "Team KPI 5" in text(as_manager.get(pages[0]))
    assert "Team: Company / Sales / Sales 5" in text(as_manager.get(GRID))
