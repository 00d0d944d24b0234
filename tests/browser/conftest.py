"""Fixtures for the checks that need tools beyond Python: a real browser (the system's Chromium, driven by
Playwright for Python), axe-core and the Nu HTML Checker (npm packages: run ``npm ci`` at the top of the
checkout) and Java for the latter.

They check the demo organization in a database of its own, always SQLite (the pages are the same on
PostgreSQL, and CI runs them once), with CSRF checks on as in production. The browser talks to a live
server: the app served by waitress in a subprocess on a free port of 127.0.0.1.

Without the tools, these tests are skipped and say what is missing; with ``DUALDASH_REQUIRE_BROWSER=1``
(as in CI) they fail instead. A failing browser test leaves a screenshot and the page's HTML in
``test-artifacts/``."""
import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser_tools import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROLES, SCREENS, csrf_token, require_tools, sign_in

from dualdash.db import bind, get_db, upgrade
from dualdash.demo.organization import DEMO_PASSWORD, SIGN_INS, build_demo
from dualdash.testing import make_app

#: How long a browser action or navigation may take before the test fails, in milliseconds.
BROWSER_TIMEOUT_MS = 15_000
#: How long the live server may take to start, in seconds.
SERVER_START_SECONDS = 60


# ---------------------------------------------------------------------------------------------------
# The demo site
# ---------------------------------------------------------------------------------------------------

def _prepare_demo():
    """Fill the demo and what some pages need to show their full state; returns the ids the tests use."""
    from dualdash.coaching import agenda
    from dualdash.coaching.models import AgendaItem, Meeting, RoleSkill
    from dualdash.kpis.models import KPI, Benchmark, ScorecardKPI
    from dualdash.org.models import Person

    result = build_demo()
    people = {role: Person.get(Person.email == email) for role, email in result.sign_ins.items()}
    manager, member = people["manager"], people["member"]
    now = datetime.datetime.now()
    upcoming = list(Meeting.select().where((Meeting.manager == manager.id) & (Meeting.status == "planned")
                                           & (Meeting.scheduled_for > now)).order_by(Meeting.scheduled_for))
    # The member's coming 1:1 is the one the page checks open (prepared, so its agenda shows); the
    # end-to-end test holds another one, so the checks see the same pages whatever runs first.
    meeting = next(m for m in upcoming if m.report_id == member.id)
    agenda.prepare(meeting, member)
    item = AgendaItem.select().where(AgendaItem.meeting == meeting.id).order_by(AgendaItem.position).first()
    held = (Meeting.select().where((Meeting.report == member.id) & (Meeting.status == "held"))
            .order_by(Meeting.scheduled_for.desc()).first())
    e2e_meeting = next(m for m in upcoming if m.report_id != member.id)
    # The demo's next 1:1s fall on the next working day, which on a Friday evening is more than the two
    # days ahead in which opening a 1:1 prepares its agenda: the end-to-end 1:1 is held within them.
    Meeting.update(scheduled_for=(now + datetime.timedelta(hours=20)).replace(second=0, microsecond=0)).where(
        Meeting.id == e2e_meeting.id).execute()
    # A 1:1 of its own for the tests that type into the meeting page (later than the others, prepared).
    notes_meeting = Meeting.create(manager=manager.id, report=member.id, scheduled_for=datetime.datetime.combine(
        datetime.date.today() + datetime.timedelta(days=40), datetime.time(9)))
    agenda.prepare(notes_meeting, member)
    kpi = (KPI.select().join(ScorecardKPI).where(KPI.cadence == "weekly").order_by(KPI.id).first())
    # A line set from a future date: only those can be deleted, so its confirmation page needs one.
    future = datetime.date.today() + datetime.timedelta(days=60)
    Benchmark.create(kpi=kpi.id, meets=1, exceeds=2, effective_from=future)
    skill = RoleSkill.select().where(RoleSkill.role == member.role_id).order_by(RoleSkill.id).first()
    return SimpleNamespace(
        member_id=member.id, member_name=member.name,
        team_id=member.team_id, role_id=member.role_id, level_id=member.level_id,
        kpi_id=kpi.id, kpi_key=kpi.key, kpi_name=kpi.name, future_line_date=future.isoformat(),
        skill_id=skill.id if skill else None,
        meeting_id=meeting.id, item_id=item.id, held_meeting_id=held.id, notes_meeting_id=notes_meeting.id,
        e2e_report_name=Person.get_by_id(e2e_meeting.report_id).name)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo organization in its own SQLite database, and an app on it with CSRF checks on.

    ``app`` serves the Flask test client (the HTML checks); ``config`` starts the live server on the same
    database; ``ids`` names the demo's people, meetings and other objects the tests open."""
    folder = tmp_path_factory.mktemp("demo-site")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    app = make_app(folder, url, WTF_CSRF_ENABLED=True)
    db = get_db(app)
    bind(db)
    upgrade(db)
    with app.app_context(), db.connection_context():
        ids = _prepare_demo()
    # The live server answers errors with the app's error pages, as in production.
    config = {**app.extensions["dualdash.test_config"], "TESTING": False}
    return SimpleNamespace(app=app, config=config, ids=ids, folder=folder)


@pytest.fixture(scope="session")
def live_server(demo_site):
    """The demo site served by waitress in a subprocess: its base URL (``http://127.0.0.1:PORT``)."""
    port_file = demo_site.folder / "port"
    log_path = demo_site.folder / "server.log"
    env = {**os.environ, "DUALDASH_SITE_CONFIG": json.dumps(demo_site.config)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("site_server.py")),
                                    str(port_file)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not port_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the live server did not start:\n" + log_path.read_text(errors="replace"),
                            pytrace=False)
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port_file.read_text()}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------------
# Signing in through the Flask test client (with the CSRF token, as a browser would)
# ---------------------------------------------------------------------------------------------------

def signed_in_client(app, role):
    """A Flask test client signed in as the demo's ``role`` (None: anonymous)."""
    client = app.test_client()
    if role is None:
        return client
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": SIGN_INS[role], "password": DEMO_PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 302, f"the demo {role} cannot sign in ({response.status_code})"
    return client


@pytest.fixture(scope="session")
def site_clients(demo_site):
    """Test clients signed in as each demo role, and one anonymous (key None)."""
    return {role: signed_in_client(demo_site.app, role) for role in (None, *ROLES)}


@pytest.fixture(scope="session")
def main_pages(demo_site, site_clients):
    """The main pages each role sees (see ``main_pages.py``), found once per test run."""
    from main_pages import discover
    return discover(demo_site, site_clients)


# ---------------------------------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    """Chromium, headless, driven by Playwright (skipped or failed when missing: see the module)."""
    require_tools("browser")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


PAGES_KEY = pytest.StashKey[list]()
#: The two widths every screen is tried at, in CSS pixels: a laptop and a phone.
DESKTOP, PHONE = 1280, 390


@pytest.fixture
def screenshot(request):
    """``screenshot(page, name)``: keep a full-page picture of ``page`` in ``test-artifacts/screens/``
    (named after the test, ``name`` and the page's width), which CI keeps for people to look at."""
    def take(page, name):
        SCREENS.mkdir(parents=True, exist_ok=True)
        test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        path = SCREENS / f"{test}-{name}-{page.viewport_size['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture
def new_page(request, browser, live_server):
    """``new_page(role=None, bypass_csp=False, width=DESKTOP)``: a page in a fresh browser context on the
    live server, ``width`` CSS pixels wide (:data:`DESKTOP` or :data:`PHONE`), signed in as the demo's
    ``role`` (admin, manager, member) or anonymous. ``bypass_csp`` lets the test inject scripts (axe-core)
    past the Content-Security-Policy. Closed after the test; kept as artifacts
    when the test fails."""
    contexts = []
    request.node.stash[PAGES_KEY] = pages = []

    def open_page(role=None, bypass_csp=False, width=DESKTOP):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900},
                                      bypass_csp=bypass_csp)
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        if role:
            sign_in(page, role)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, save a screenshot and the HTML of each page it opened."""
    report = yield
    pages = item.stash.get(PAGES_KEY, None)
    if report.when == "call" and report.failed and pages:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
        saved = []
        for number, page in enumerate(pages, start=1):
            if page.is_closed():
                continue
            stem = ARTIFACTS / f"{name}-{number}"
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # the page may have crashed: report what could be saved
                saved.append(f"{stem}: not saved ({error})")
                continue
            saved.append(f"{stem}.png and .html ({page.url})")
        report.sections.append(("browser artifacts", "\n".join(saved)))
    return report
