"""Security headers on every response, and pages that need no inline script or style to work under
the Content-Security-Policy."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dualdash.coaching.models import ActionItem, AgendaItem, Meeting, RoleSkill
from dualdash.demo.organization import DEMO_PASSWORD
from dualdash.kpis.models import KPI, ScorecardKPI
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.testing import login
from dualdash.web import security_headers
from dualdash.web.models import ApiToken
from dualdash.web.tokens import issue_token

ROOT = Path(__file__).resolve().parents[2]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def assert_security_headers(response, https=False):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    if https:
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
    else:
        assert "Strict-Transport-Security" not in headers


def test_every_kind_of_response_carries_the_headers(client, as_admin, sample_org, sample_kpis):
    _, token = issue_token(sample_org.admin, "headers")
    responses = {
        "sign-in page": client.get("/login"),
        "signed-in page": as_admin.get("/people/"),
        "redirect": client.get("/people/"),
        "not found page": as_admin.get("/no-such-page"),
        "API": client.get("/api/v1/people/member@example.com/scorecard",
                          headers={"Authorization": f"Bearer {token}"}),
        "API error": client.get("/api/v1/people/member@example.com/scorecard"),
        "API document": client.get("/api/v1/openapi.json"),
        "static file": client.get("/static/dualdash.css"),
        "CSV download": as_admin.get(f"/people/{sample_org.member.id}/scorecard", query_string={"format": "csv"}),
    }
    for what, response in responses.items():
        assert response.status_code < 500, what
        assert_security_headers(response)
    assert responses["API"].status_code == 200 and responses["static file"].status_code == 200
    assert responses["signed-in page"].status_code == 200


def test_a_failing_page_carries_them_too(app, as_admin, monkeypatch):
    from dualdash.web.views import home
    monkeypatch.setattr(home, "render_template", lambda *a, **k: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = as_admin.get("/")
    assert response.status_code == 500
    assert_security_headers(response)


class TestHttps:
    @pytest.fixture
    def app_config(self):
        return {"HTTPS": True}

    def test_strict_transport_security_only_when_https_is_configured(self, client):
        assert_security_headers(client.get("/login", base_url="https://localhost"), https=True)
        assert_security_headers(client.get("/static/dualdash.css", base_url="https://localhost"), https=True)


def test_the_policy_in_the_module_is_the_one_tested():
    assert security_headers.CONTENT_SECURITY_POLICY == CSP


# --- No inline script or style anywhere ---------------------------------------------------------------

#: An inline style or script in template or chart source: a style attribute, a <style> element, a
#: <script> element without a src (a script file of our own, script-src 'self', is allowed), an on…=
#: event handler, a javascript: URL.
INLINE = re.compile(r"""\sstyle\s*=|<\s*style[\s>]|<\s*script(?![^>]*\ssrc\s*=)[\s>]|\son[a-z]+\s*=\s*["'{]|"""
                    r"""javascript:""", re.I)


def source_files():
    yield from sorted((ROOT / "templates").rglob("*.html"))
    yield from sorted((ROOT / "dualdash" / "charts").glob("*.py"))
    yield ROOT / "dualdash" / "coaching" / "worksheets.py"


def test_no_template_or_chart_has_inline_style_or_script():
    files = list(source_files())
    assert len(files) > 40
    found = [f"{path.relative_to(ROOT)}: {m.group(0).strip()}" for path in files
             for m in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found


def test_the_scan_finds_what_it_looks_for():
    for bad in ('<p style="color:red">', "<style>p{}</style>", "<script>x()</script>", "<script >x()</script>",
                '<a onclick="x()">', '<a href="javascript:x()">', "<rect style='fill:red'/>"):
        assert INLINE.search(bad), bad
    for good in ('<rect fill="#c00" class="band-fails"/>', '<link rel="stylesheet" href="/static/x.css">',
                 "{{ field(form.new) }}", '<p class="hint">', '<script src="/static/x.js" defer></script>'):
        assert not INLINE.search(good), good


class InlineFinder(HTMLParser):
    """Collects what the policy would block in a rendered page."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag == "style" or (tag == "script" and not dict(attrs).get("src")):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and value and value.strip().lower().startswith(
                    ("javascript:", "http:", "https:", "//")):
                self.problems.append(f"<{tag} {name}={value}>")


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def demo_values():
    """An object of every kind, from the demo organization, for the arguments of the routes."""
    member = Person.get(Person.email == "member@example.com")
    meeting = Meeting.select().where(Meeting.report == member).order_by(Meeting.id).first()
    role = JobRole.get_by_id(member.role_id)
    scorecard_item = ScorecardKPI.select().first()
    kpi = KPI.select().order_by(KPI.id).first()
    return {
        "person_id": member.id, "meeting_id": meeting.id, "team_id": member.team_id, "role_id": role.id,
        "level_id": Level.select().where(Level.role == role).first().id, "kpi_id": kpi.id, "kpi_key": kpi.key,
        "key": kpi.key, "email": member.email, "skill_id": RoleSkill.select().where(RoleSkill.role == role).first().id,
        "item_id": (AgendaItem.select().where(AgendaItem.meeting == meeting).first()
                    or ScorecardKPI.select().first()).id,
        "action_id": (ActionItem.select().first()).id, "token_id": getattr(ApiToken.select().first(), "id", 1),
        "owner_id": scorecard_item.scorecard.role_id or Team.select().first().id, "kind": "role",
        "index": 0, "date": "2026-01-05", "status": "done", "direction": "up",
    }


def test_rendered_pages_have_no_inline_style_or_script(app, demo):
    """Every page (with its charts: sparklines, rank stacks, results × drivers, driver trends) as the
    demo admin and the demo manager."""
    values = demo_values()
    clients = [login(app.test_client(), Person.get(Person.email == f"{who}@example.com"), password=DEMO_PASSWORD)
               for who in ("admin", "manager")]
    seen = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue
        if not set(rule.arguments) <= set(values):
            continue
        url = re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for client in clients:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            finder = InlineFinder()
            finder.feed(response.get_data(as_text=True))
            assert not finder.problems, (url, finder.problems)
            seen += 1
    assert seen > 40  # the walk really saw the pages


def test_signed_in_responses_and_the_api_are_not_stored(client, as_admin, as_member, sample_org, sample_kpis):
    """Cache-Control: no-store on every response to a signed-in request (pages, downloads, errors) and
    on the API; not on static files nor the public sign-in page."""
    _, token = issue_token(sample_org.admin, "cache")
    private = {
        "page": as_admin.get("/people/"),
        "profile": as_member.get("/profile/"),
        "download": as_admin.get("/admin/audit/export.csv"),
        "refused": as_member.get("/admin/people/"),
        "not found": as_member.get("/people/999999"),
        "redirect": as_member.get("/login"),
        "api": client.get(f"/api/v1/people/{sample_org.member.email}/scorecard",
                          headers={"Authorization": f"Bearer {token}"}),
        "api without a token": client.get(f"/api/v1/people/{sample_org.member.email}/scorecard"),
    }
    assert {name: r.headers.get("Cache-Control") for name, r in private.items()} == {
        name: "no-store" for name in private}
    # The CSV download streams inside its request's context: read it, so that it ends.
    assert private["download"].get_data(as_text=True).startswith("\ufeff")
    public = {"sign-in page": client.get("/login"), "static": client.get("/static/dualdash.css"),
              "static signed in": as_member.get("/static/dualdash.css")}
    assert public["static"].status_code == 200
    assert {name: "no-store" in (r.headers.get("Cache-Control") or "") for name, r in public.items()} == {
        name: False for name in public}
