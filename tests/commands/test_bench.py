"""``dualdash bench`` end to end on a tiny synthetic organization, and the measured pages' query counts
at two sizes. Nothing here is timed: the figures are the command's business."""
import json

import pytest

from dualdash.app import create_app
from dualdash.bench import synthetic
from dualdash.bench.pages import PAGES, find_subjects
from dualdash.bench.runner import QueryCounter, issue_token, sign_in
from dualdash.db import get_db
from dualdash.testing import TEST_CONFIG, fresh_postgres, postgres_url

TINY = ["--people", "30", "--weeks", "6", "--requests", "2", "--import-rows", "300"]


def bench(runner, *args):
    """Run the command on the test database server: PostgreSQL when the suite runs on it (the
    ``app`` fixture left it empty), else an SQLite file in the instance folder."""
    url = postgres_url()
    return runner.invoke(args=["bench", *TINY, *(["--database-url", url] if url else []), *args])


def test_bench_runs_end_to_end_and_reuses_its_organization(runner):
    result = bench(runner, "--json")
    assert result.exit_code == 0, result.output
    assert "Building a synthetic organization of 30 people over 6 weeks" in result.stderr
    data = json.loads(result.stdout)
    assert [page["key"] for page in data["pages"]] == [page.key for page in PAGES]
    for page in data["pages"]:
        assert page["queries"] > 0 and page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"]
        assert page["floor_ms"] > 0 and page["ratio"] > 0 and page["peak_mb"] >= 0
        assert page["ok"] == (not page["over"])
    pages = {page["key"]: page for page in data["pages"]}
    assert pages["person_scorecard"]["target_ms"] == 15 and pages["rank_stack"]["target_ms"] == 150
    assert data["organization"]["people"] == 30 and data["organization"]["weeks"] == 6
    assert data["database"]["kind"] == ("postgresql" if postgres_url() else "sqlite")
    assert data["import"]["rows"] == 300 and data["import"]["rows_per_second"] > 0
    assert data["import"]["summary"] == "300 new, 0 changed, 0 unchanged, 0 removed"

    again = bench(runner, "--import-rows", "0", "--page", "person_scorecard", "--page", "meeting")
    assert again.exit_code == 0, again.output
    assert "Reusing" in again.stderr and "Building" not in again.stderr
    lines = again.stdout.splitlines()
    assert lines[0].startswith("Dual Dash benchmark: 30 people, 6 weeks")
    assert any(line.startswith("Person scorecard ") for line in lines)
    assert any(line.startswith("1:1 meeting page ") for line in lines)
    assert not any(line.startswith("Team scorecard") for line in lines)
    assert "CSV import" not in again.stdout
    # The imported rows were removed again: the organization is as it was built.
    assert json.loads(bench(runner, "--json", "--import-rows", "0").stdout)["organization"]["measurements"] == \
        data["organization"]["measurements"]


def test_bench_refuses_a_database_holding_another_organization(app, runner, sample_org):
    result = runner.invoke(args=["bench", *TINY, "--database-url", app.config["DATABASE_URL"]])
    assert result.exit_code == 1
    assert "holds another organization (8 people)" in result.output
    assert "Traceback" not in result.output


def _page_queries(app):
    """How many SQL queries each measured page runs on the synthetic organization in ``app``."""
    db = get_db(app)
    with app.app_context(), db.connection_context():
        subjects = find_subjects(db)
    subjects.token = issue_token(app, subjects.ids["manager"])
    clients = {who: sign_in(app, subjects.emails[who], subjects.password) for who in ("admin", "manager")}
    counts = {}
    for page in PAGES:
        client = clients["manager" if page.who == "api" else page.who]
        headers = {"Authorization": f"Bearer {subjects.token}"} if page.who == "api" else {}
        with QueryCounter(db) as counter:
            response = client.get(page.url(subjects), headers=headers)
        assert response.status_code == page.status, (page.key, response.status_code)
        counts[page.key] = counter.count
    return counts


def test_every_measured_page_runs_the_same_number_of_queries_at_50_and_200_people(tmp_path):
    base = {**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret-key"}
    url = postgres_url()
    counts = []
    for people in (50, 200):
        if url:
            fresh_postgres(url)
        app, _, _ = synthetic.prepare(base, people, 6, 7, database_url=url, echo=lambda message: None,
                                      create_app=create_app)
        counts.append(_page_queries(app))
        get_db(app).close()
    small, large = counts
    assert small == large
    assert all(count > 0 for count in small.values())


@pytest.mark.parametrize("rows", [1, 7])
def test_the_import_file_holds_the_rows_asked_for(app, tmp_path, rows):
    import datetime

    from dualdash.bench.import_rate import write_csv
    from dualdash.demo.organization import build_demo
    db = get_db(app)
    with app.app_context():
        build_demo()
        path = tmp_path / "values.csv"
        earliest = write_csv(path, db, rows, datetime.date(2020, 1, 6))
    lines = path.read_text().splitlines()
    assert lines[0] == "person,kpi,period,value" and len(lines) == rows + 1
    assert earliest == datetime.date(2019, 12, 30)
    assert all(line.split(",")[2] == "2019-12-30" for line in lines[1:])


WRK_OUTPUT = """\
Running 20s test @ http://127.0.0.1:8001
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    45.12ms   20.31ms 200.00ms   70.00%
    Req/Sec    90.00     10.00   120.00     60.00%
  3600 requests in 20.01s, 150.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:    179.90
Transfer/sec:      7.50MB
dualdash failures: 4
dualdash latency p50: 40.125 ms
dualdash latency p90: 70.000 ms
dualdash latency p99: 150.500 ms
"""


def test_the_load_reads_wrks_report():
    from dualdash.bench.load import parse_wrk
    result = parse_wrk("http://127.0.0.1:8001", WRK_OUTPUT)
    assert (result.requests, result.seconds, result.failures, result.socket_errors) == (3600, 20.01, 4, 3)
    assert result.errors == 7 and round(result.rate) == 180
    assert result.latency_ms == {50: 40.125, 90: 70.0, 99: 150.5}


def test_the_load_script_opens_every_page_signed_in():
    import datetime

    from dualdash.bench.load import LOAD_PAGES, wrk_script
    from dualdash.bench.pages import Subjects
    week = datetime.date(2026, 11, 16)
    subjects = Subjects(emails={"admin": "a@x", "manager": "m@x", "member": "me@x"},
                        ids={"admin": 1, "manager": 2, "member": 3}, team_id=4, team_name="T", team_people=50,
                        kpi_id=5, kpi_key="calls", kpi_rollup="sum", week=week, first_week=week, meeting_id=6,
                        meeting_report_id=3, meeting_review_week=week, token="dd_7_secret")
    script = wrk_script(subjects, {"admin": 'session=a"b', "manager": "session=m"})
    for page in LOAD_PAGES:
        assert f'"{page.url(subjects)}"' in script
    assert '["Cookie"] = "session=a\\"b"' in script and '["Authorization"] = "Bearer dd_7_secret"' in script
    assert "/login" not in script


def test_a_page_over_its_ratio_is_given_its_reason_from_the_run():
    from dualdash.bench.report import table, why_over
    from dualdash.bench.runner import PageResult

    def page(key, title, seconds, floor_seconds):
        return PageResult(key=key, title=title, url="/", times=[seconds], queries=3, floor_times=[floor_seconds],
                          max_ratio=2.5)
    fixed = page("fixed_cost", "Signed-in redirect (fixed cost)", 0.001, 0.00002)
    fixed.max_ratio = None
    tiny = page("tiny", "A small page", 0.008, 0.0003)     # 2.5 × 0.3 ms is under the 1 ms fixed cost
    heavy = page("heavy", "A heavy page", 0.030, 0.010)    # 25 ms allowed: over for another reason
    fine = page("fine", "A fine page", 0.012, 0.010)
    reasons = why_over([fixed, tiny, heavy, fine])
    assert set(reasons) == {"tiny", "heavy"}
    assert "0.75 ms, less than any signed-in request costs" in reasons["tiny"]
    assert reasons["heavy"].startswith("20.0 ms beyond reading its rows")
    assert "A small page: 2.5× its floor is 0.75 ms" in table([fixed, tiny, heavy, fine])
