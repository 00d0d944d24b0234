"""``dualdash bench``: measure the main pages and the CSV import on a large synthetic organization."""
import json
import tempfile

import click
from flask import current_app
from flask.cli import with_appcontext

from dualdash.db import get_db

#: The pages ``--page`` may name (dualdash.bench.pages.PAGES; the benchmark is imported only when run).
PAGE_KEYS = ["person_scorecard", "team_scorecard", "subtree_scorecard", "rank_stack", "rank_stack_team",
             "rank_stack_role", "results_drivers", "meeting", "worksheet", "api_scorecard", "fixed_cost"]


@click.command("bench")
@click.option("--people", default=5000, show_default=True, type=click.IntRange(10, 100_000),
              help="People in the synthetic organization.")
@click.option("--weeks", default=156, show_default=True, type=click.IntRange(4, 520),
              help="Weeks of measurements.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the synthetic organization.")
@click.option("--database-url", default=None, metavar="URL",
              help="Measure on this database (e.g. postgresql://…): reused when it holds this synthetic "
                   "organization, filled when empty, refused otherwise. Default: an SQLite file in the "
                   "instance folder, built once and reused.")
@click.option("--requests", "requests_", default=30, show_default=True, type=click.IntRange(1, 10_000),
              help="Requests per page (the median and 95th percentile are taken over them).")
@click.option("--import-rows", default=1_000_000, show_default=True, type=click.IntRange(0, 100_000_000),
              help="Rows of the CSV import to measure (0: skip the import).")
@click.option("--page", "only", multiple=True, type=click.Choice(PAGE_KEYS),
              help="Measure only this page (repeat for several). Default: every page.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of a table.")
@click.option("--load", "servers", multiple=True, metavar="URL",
              help="Instead of measuring, load this running app server (repeat for several) with the pages "
                   "through wrk, signed in; the servers must use the --database-url database.")
@click.option("--duration", default=20, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds of --load.")
@click.option("--connections", default=8, show_default=True, type=click.IntRange(1, 1000),
              help="Open connections per server during --load.")
@with_appcontext
def bench_command(people, weeks, seed, database_url, requests_, import_rows, only, as_json, servers, duration,
                  connections):
    """Measure the main pages and the CSV import on a synthetic organization.

    For each page: the median and 95th-percentile server time over the requests through the WSGI
    app, the SQL queries per request, the floor (the same rows fetched by raw SQL with the database
    driver alone, timed in the same run), the ratio page / floor and the peak memory of a request,
    each against its target. Then the CSV import's rate into the live database and its peak memory.
    Progress goes to stderr, the figures to stdout.

    With --load, the running servers named are loaded instead (see docs/performance.md); the
    command fails when any response is not a 200."""
    from dualdash.bench import report, synthetic
    from dualdash.bench.floors import Raw
    from dualdash.bench.import_rate import measure_import
    from dualdash.bench.pages import PAGES, BenchError, find_subjects
    from dualdash.bench.runner import issue_token, measure_pages

    def echo(message):
        click.echo(message, err=True)

    base = {"INSTANCE_PATH": current_app.instance_path, "SECRET_KEY": current_app.config["SECRET_KEY"]}
    pages = [page for page in PAGES if not only or page.key in only]
    try:
        app, config, built = synthetic.prepare(base, people, weeks, seed, database_url, echo)
        db = get_db(app)
        with app.app_context(), db.connection_context():
            subjects = find_subjects(db)
            subjects.measurements = db.execute_sql("SELECT COUNT(*) FROM measurement").fetchone()[0]
            mark = synthetic.read_mark(db) or {}
        if mark.get("first_week"):
            subjects.first_week = type(subjects.week).fromisoformat(mark["first_week"])
        subjects.token = issue_token(app, subjects.ids["manager"])
        if servers:
            _load(servers, subjects, duration, connections, as_json)
            return
        raw = Raw(config["DATABASE_URL"])
        try:
            results = measure_pages(app, raw, subjects, pages, requests_, progress=echo)
            imported = None
            if import_rows:
                echo(f"Importing {import_rows:,} rows from a CSV file…")
                with tempfile.TemporaryDirectory() as folder:
                    imported = measure_import(app, subjects, import_rows, folder, config)
            info = report.machine(raw)
        finally:
            raw.close()
    except BenchError as exc:
        raise click.ClickException(str(exc)) from None
    kind = "postgresql" if raw.postgres else "sqlite"
    organization = {"people": subjects.people, "weeks": weeks, "seed": seed, "measurements": subjects.measurements,
                    "team": subjects.team_name, "team_people": subjects.team_people, "kpi": subjects.kpi_key,
                    "week": subjects.week.isoformat(), "built_seconds": built}
    database = {"kind": kind, "version": info.get("postgresql") if raw.postgres else info["sqlite"]}
    if as_json:
        click.echo(json.dumps(report.as_json(results, imported, organization, database, info, requests_), indent=2))
        return
    heading = (f"Dual Dash benchmark: {subjects.people:,} people, {weeks} weeks ({subjects.measurements:,} "
               f"measurements) on {kind} {database['version']}; {requests_} requests per page; "
               f"{info['cpus']} × {info['cpu']}, Python {info['python']}.")
    click.echo(report.table(results, imported, heading))


def _load(servers, subjects, duration, connections, as_json):
    """``--load``: every server under wrk at once; fails when any request failed."""
    from dualdash.bench import load
    click.echo(f"Loading {', '.join(servers)} for {duration} s…", err=True)
    results = load.run(servers, subjects, duration=duration, connections=connections)
    if as_json:
        click.echo(json.dumps({"load": load.as_json(results), "duration": duration, "connections": connections},
                              indent=2))
    else:
        click.echo(load.table(results, duration, connections))
    errors = sum(r.errors for r in results)
    if errors:
        raise click.ClickException(f"{errors} requests failed under load.")
