"""The main pages, as the accessibility and HTML checks see them: every GET route of the app, with its ids
filled from the demo organization, opened as each demo role.

The list comes from the app's URL map, so a new page is checked without anyone remembering to add it. A
route whose URL cannot be filled (an argument named nowhere below), or that answers no role with a page,
fails ``test_every_page_is_checked`` until it gets a value here or a reason in ``NOT_PAGES``."""
from dataclasses import dataclass, field
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

#: GET routes that are not HTML pages, and why.
NOT_PAGES = {
    "static": "stylesheets and other files, not pages",
    "api.openapi_document": "JSON, checked by the API tests",
    "api.person_scorecard": "JSON, checked by the API tests",
    "api.rank_stack": "JSON, checked by the API tests",
    "api.team_scorecard": "JSON, checked by the API tests",
    "admin_audit.export": "CSV and JSON downloads of the audit trail, checked by its tests",
}

#: Routes whose URL argument means something else than the same name elsewhere.
ENDPOINT_VALUES = {
    "admin_scorecards.person": lambda ids: {"owner_id": ids.member_id},
    "admin_scorecards.role": lambda ids: {"owner_id": ids.role_id},
    "admin_scorecards.team": lambda ids: {"owner_id": ids.team_id},
}


def route_values(ids):
    """Values for the URL arguments, by name: the demo member and what belongs to them (their manager and
    the admin see those too, so every role opens the same objects)."""
    return {
        "person_id": ids.member_id, "team_id": ids.team_id, "role_id": ids.role_id, "level_id": ids.level_id,
        "kpi_id": ids.kpi_id, "kpi_key": ids.kpi_key, "skill_id": ids.skill_id, "date": ids.future_line_date,
        "meeting_id": ids.meeting_id, "item_id": ids.item_id,
    }


def extra_pages(ids):
    """Pages in a state one URL per route does not show: (name, path)."""
    return [
        ("meetings.show (held)", f"/meetings/{ids.held_meeting_id}"),
        ("worksheet.meeting (held)", f"/meetings/{ids.held_meeting_id}/worksheet"),
        ("scorecard_pages.person (monthly)", f"/people/{ids.member_id}/scorecard?cadence=monthly"),
        ("search.results (found)", "/search?q=a"),
        ("search.results (nothing found)", "/search?q=zzzz-nobody"),
    ]


#: The error pages, checked once, as the member: (name, path, status).
ERROR_PAGES = [
    ("error page (forbidden)", "/admin/people/", 403),
    ("error page (not found)", "/no-such-page", 404),
]


@dataclass
class Page:
    """One page as one role sees it."""

    role: str | None
    name: str
    path: str
    status: int
    html: str = field(repr=False)


@dataclass
class MainPages:
    """What the checks open: ``pages`` (HTML answered to a role), and the routes that could not be."""

    pages: list = field(default_factory=list)
    #: endpoint -> the statuses each role got, for GET routes that gave no role a page.
    unseen: dict = field(default_factory=dict)
    #: endpoint -> the URL arguments nothing fills.
    unfilled: dict = field(default_factory=dict)
    #: endpoint -> (role, status or exception) of server errors.
    broken: dict = field(default_factory=dict)

    def for_role(self, role):
        return [page for page in self.pages if page.role == role]


def get_routes(app):
    """Every GET route of ``app`` not in ``NOT_PAGES``: (endpoint, rule)."""
    return sorted(((rule.endpoint, rule) for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint not in NOT_PAGES), key=lambda pair: pair[0])


def discover(demo_site, clients):
    """Open every main page as each role (``clients``: role -> signed-in test client, None anonymous)."""
    app, ids = demo_site.app, demo_site.ids
    values = route_values(ids)
    found = MainPages()
    targets = []
    with app.test_request_context():
        from flask import url_for
        for endpoint, rule in get_routes(app):
            chosen = {**values, **ENDPOINT_VALUES.get(endpoint, lambda _: {})(ids)}
            missing = sorted(arg for arg in rule.arguments if chosen.get(arg) is None)
            if missing:
                found.unfilled[endpoint] = missing
                continue
            targets.append((endpoint, url_for(endpoint, **{arg: chosen[arg] for arg in rule.arguments})))
    targets += extra_pages(ids)
    for name, path in targets:
        statuses = {}
        for role, client in clients.items():
            try:
                response = client.get(path)
            except Exception as error:  # the test app lets errors through: report them all together
                found.broken[name] = (role, f"{type(error).__name__}: {error}")
                statuses[role] = 500
                continue
            statuses[role] = response.status_code
            if response.status_code >= 500:
                found.broken[name] = (role, response.status_code)
            # Redirects are not pages: where they lead is.
            if response.status_code == 200 and response.mimetype == "text/html":
                found.pages.append(Page(role, name, path, 200, response.get_data(as_text=True)))
        # Anonymous visitors are sent to the sign-in page from everywhere: only a signed-in role's
        # redirect says the route is not a page.
        if not any(status == 200 or (role and 300 <= status < 400) for role, status in statuses.items()):
            found.unseen[name] = statuses
    for name, path, status in ERROR_PAGES:
        response = clients["member"].get(path)
        assert response.status_code == status, f"{path} answers {response.status_code}, not {status}"
        found.pages.append(Page("member", name, path, status, response.get_data(as_text=True)))
    return found


class _Forms(HTMLParser):
    """The forms of a page with what they would send as they stand: [{"action", "method", "fields"}]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                               "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio", "submit") or "checked" in attrs:
                self.forms[-1]["fields"].append([attrs["name"], attrs.get("value") or ""])
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
            self.forms[-1]["fields"].append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None]
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select and (self._select[1] is None or "selected" in attrs):
            self._select[1] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html):
    """The forms of ``html`` (see ``_Forms``)."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def submit_with(client, path, changes):
    """GET ``path``, then post its main form (the first POST form other than signing out) as it stands,
    after ``changes`` (a function changing the list of [name, value] fields in place); returns the response."""
    page = client.get(path)
    form = next(f for f in forms_of(page.get_data(as_text=True))
                if f["method"] == "post" and not f["action"].endswith("/logout"))
    changes(form["fields"])
    return client.post(form["action"] or path, data=MultiDict([tuple(pair) for pair in form["fields"]]))


def fill(**values):
    """A change for ``submit_with``: set these fields."""
    def change(fields):
        for pair in fields:
            if pair[0] in values:
                pair[1] = values[pair[0]]
    return change


def fill_first_value_cell(value):
    """A change for ``submit_with``: type ``value`` into the grid's first value cell."""
    def change(fields):
        next(pair for pair in fields if pair[0].startswith("v-"))[1] = value
    return change


#: Forms shown again with their errors after a bad submission: (name, role, path, changes).
ERROR_STATES = [
    ("auth.login (wrong password)", None, "/login",
     fill(email="nobody@example.com", password="not-the-password")),
    ("admin_teams.new (no name)", "admin", "/admin/teams/new", fill(name="")),
    ("measurement_entry.grid (not a number)", "manager", "/measurements/grid", fill_first_value_cell("twelve")),
]


def error_state_pages(clients):
    """The pages of ``ERROR_STATES``, as Page objects (each must answer 400)."""
    pages = []
    for name, role, path, changes in ERROR_STATES:
        response = submit_with(clients[role], path, changes)
        assert response.status_code == 400, f"{name}: {path} answered {response.status_code}, not 400"
        pages.append(Page(role, name, path, 400, response.get_data(as_text=True)))
    return pages
