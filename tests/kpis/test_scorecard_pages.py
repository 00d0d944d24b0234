"""Scorecard pages: a person's scorecard, a team's, a manager's subtree, their CSV exports, who may
see them, and a fixed number of queries whatever the size of the organization."""
import csv
import datetime
import io
import re

import pytest
from html_checks import assert_valid_html

from dualdash.kpis import periods
from dualdash.kpis.models import Measurement
from dualdash.org.models import JobRole, Person, Team

D = datetime.date
W46, W47 = D(2025, 11, 10), D(2025, 11, 17)


def put(person, kpi, start, value):
    Measurement.create(person=person, kpi=kpi, period_start=start, value=value)


def text(response):
    """The page's text with tags removed and spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


def main_text(response):
    """The text of the page's main content (without the header, which names the viewer)."""
    return text(response).split("Skip to content", 1)[1].split("Sign out", 1)[1]


def kpi_block(response, name):
    """The text of one KPI's rows on a person's scorecard (its row and its questions)."""
    html = response.get_data(as_text=True)
    for block in html.split('<tbody class="kpi">')[1:]:
        block = block.split("</tbody>")[0]
        if re.search(rf"<th scope=\"row\">\s*{re.escape(name)}\b", block):
            block = re.sub(r"<svg\b.*?</svg>", " ", block, flags=re.DOTALL)
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))
    raise AssertionError(f"no row for {name}")


def rows_of(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture
def data(app, sample_org, sample_kpis):
    """W47 (17–23 Nov 2025) values: a Ramping and an Established AE with the same calls, a changed
    band, a failing KPI and one that meets as before."""
    o, k = sample_org, sample_kpis
    put(o.member, k.calls, W47, 9)           # Ramping: 5 / 8 → Exceeds
    put(o.member, k.revenue, W47, 500)       # Fails (1000)
    put(o.member2, k.calls, W46, 25)         # Established: 10 / 20 → Exceeds …
    put(o.member2, k.calls, W47, 12)         # … then Meets: changed band
    put(o.member2, k.revenue, W46, 1200)     # Meets, as before: no questions
    put(o.member2, k.revenue, W47, 1234.5)
    put(o.member2, k.response, W47, 25)      # lower is better: 25 ≤ 60, target rule → Meets
    put(o.indirect, k.calls, W47, 2)         # Fails
    put(o.peer_report, k.response, W47, 90)  # Fails
    return o, k


def test_person_scorecard_values_bands_and_level_lines(as_manager, data):
    o, _ = data
    page = as_manager.get(f"/people/{o.member.id}/scorecard?period=2025-W47")
    assert page.status_code == 200
    assert_valid_html(page)
    calls = kpi_block(page, "Calls made")
    assert "9" in calls and "Exceeds" in calls and "180%" in calls
    assert "Meets 5 · Exceeds 8" in calls and "Account Executive, Ramping" in calls
    revenue = kpi_block(page, "Revenue")
    assert "$500.00" in revenue and "Fails" in revenue and "50%" in revenue
    assert "Meets $1,000.00 · Exceeds $1,500.00" in revenue and "Everyone" in revenue
    # The headline strip: one KPI in Exceeds, one in Fails.
    strip = re.search(r'<ul class="band-strip".*?</ul>', page.get_data(as_text=True), re.DOTALL).group(0)
    assert re.search(r'band-exceeds"><span class="band-count">1</span> Exceeds', strip)
    assert re.search(r'band-fails"><span class="band-count">1</span> Fails', strip)
    assert re.search(r'band-meets"><span class="band-count">0</span> Meets', strip)
    # A past week is not in progress.
    assert "Week of 17 Nov 2025" in text(page) and "in progress" not in text(page)
    # Each KPI has a server-drawn sparkline with its benchmark lines.
    svgs = re.findall(r"<svg\b.*?</svg>", page.get_data(as_text=True), re.DOTALL)
    assert len(svgs) == 2 and all('role="img"' in s and "sparkline-meets" in s for s in svgs)
    assert "Calls made over the last 13 weeks" in svgs[0]

    other = as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-W47")
    calls = kpi_block(other, "Calls made")
    assert "12" in calls and "Meets" in calls and "Meets 10 · Exceeds 20" in calls and "Everyone" in calls
    assert "1,234.50" in kpi_block(other, "Revenue")
    response = kpi_block(other, "First response time")  # added for member2 alone
    assert "25" in response and "Meets 60" in response and "lower is better" in response


def test_questions_for_failing_and_changed_band(as_manager, data):
    o, _ = data
    page = as_manager.get(f"/people/{o.member.id}/scorecard?period=2025-W47")
    assert "What changed since this was last on track?" in kpi_block(page, "Revenue")   # fails
    assert "How do we repeat this next period on purpose" in kpi_block(page, "Calls made")  # exceeds

    page = as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-W47")
    calls = kpi_block(page, "Calls made")
    assert "changed from Exceeds" in calls
    assert "Coaching questions for Calls made" in calls and "You are on the line" in calls
    revenue = kpi_block(page, "Revenue")  # meets, as the week before: nothing to ask
    assert "Coaching questions" not in revenue and "changed from" not in revenue


def test_current_period_is_in_progress_by_default(as_manager, data, app):
    o, _ = data
    page = as_manager.get(f"/people/{o.member.id}/scorecard")
    assert page.status_code == 200
    this_week = periods.containing(D.today(), "weekly")
    assert periods.label(this_week) in text(page)
    assert "in progress" in text(page)
    # Monthly view, current month: in progress too.
    page = as_manager.get(f"/people/{o.member.id}/scorecard?cadence=monthly")
    assert periods.label(periods.containing(D.today(), "monthly")) in text(page) and "in progress" in text(page)


def test_monthly_view_rolls_up(as_manager, sample_org, sample_kpis):
    o, k = sample_org, sample_kpis
    for start, value in [(D(2025, 10, 6), 3), (D(2025, 10, 13), 4), (D(2025, 10, 20), 5), (D(2025, 10, 27), 6)]:
        put(o.member2, k.calls, start, value)
        put(o.member2, k.response, start, value * 10)
    page = as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-10&cadence=monthly")
    assert page.status_code == 200 and "October 2025" in text(page)
    calls = kpi_block(page, "Calls made")
    assert "18" in calls and "Fails" in calls and "Meets 40 · Exceeds 80" in calls  # 4 weeks × the line
    assert "weekly values rolled up (sum)" in calls
    assert "45" in kpi_block(page, "First response time")  # mean of 30, 40, 50, 60
    # A month named without a cadence is seen by month; a week with cadence=monthly: its month.
    assert "October 2025" in text(as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-10"))
    page = as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-W42&cadence=monthly")
    assert "October 2025" in text(page) and "18" in kpi_block(page, "Calls made")
    # The team page rolls up the same way.
    team = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2025-10&cadence=monthly")
    assert team.status_code == 200 and "October 2025" in text(team)
    line = next(r for r in rows_of(as_manager.get(
        f"/teams/{o.teams.sales.id}/scorecard?period=2025-10&cadence=monthly&format=csv"))
        if r["email"] == "member2@example.com" and r["kpi"] == "calls")
    assert (line["value"], line["band"], line["meets"]) == ("18", "Fails", "40")


def test_range_and_period_navigation(as_manager, data):
    o, _ = data
    page = as_manager.get(f"/people/{o.member.id}/scorecard?period=2025-W47&range=4")
    html = page.get_data(as_text=True)
    assert "Trend, last 4 weeks" in text(page)
    first_svg = re.search(r"<svg\b.*?</svg>", html, re.DOTALL).group(0)
    assert first_svg.count("<circle") == 1  # only W47 has calls among W44–W47
    assert f'href="/people/{o.member.id}/scorecard?cadence=weekly&amp;range=4&amp;period=2025-W46" rel="prev"' in html
    assert "period=2025-W48" in html and 'rel="next"' in html


@pytest.mark.parametrize("query,message", [
    ("range=99", "Choose from 4 to 52 periods."),
    ("range=two", "Not a valid integer value."),
    ("period=next+week", "is not a period"),
    ("period=2025-W60", "has no week 60"),
    ("cadence=hourly", "Not a valid choice"),
])
def test_bad_choices_are_shown_beside_the_field(as_manager, data, query, message):
    o, _ = data
    page = as_manager.get(f"/people/{o.member.id}/scorecard?{query}")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert re.search(r'<p class="error" id="\w+-error">[^<]*' + re.escape(message), html)
    value = query.split("=", 1)[1].replace("+", " ")
    if not query.startswith("cadence"):
        assert f'value="{value}"' in html  # what was typed is kept
    assert "Scorecard: Mo Member" in text(page)  # the page still shows something
    assert as_manager.get(f"/people/{o.member.id}/scorecard?{query}&format=csv").mimetype == "text/html"


def test_empty_states(as_admin, sample_org, sample_kpis):
    o = sample_org
    page = as_admin.get(f"/people/{o.director.id}/scorecard")  # no job role, nothing added
    assert page.status_code == 200
    assert "There are no KPIs on this scorecard yet" in text(page)
    assert 'href="/admin/scorecards/"' in page.get_data(as_text=True)
    page = as_admin.get(f"/people/{o.member.id}/scorecard?period=2025-W47")
    assert "No values were entered for Week of 17 Nov 2025" in text(page)
    assert 'href="/measurements/grid?period=2025-W47"' in page.get_data(as_text=True)
    # A team with nobody in it.
    empty = Team.create(name="Empty")
    assert "Nobody is in Empty" in text(as_admin.get(f"/teams/{empty.id}/scorecard"))
    assert "Nobody in Empty or its sub-teams" in text(as_admin.get(f"/scorecards/?team={empty.id}"))


def test_person_page_links_to_the_scorecard(as_member, sample_org):
    page = as_member.get(f"/people/{sample_org.member.id}")
    assert f'href="/people/{sample_org.member.id}/scorecard"' in page.get_data(as_text=True)


def test_person_scorecard_permissions(client, as_member, as_manager, as_admin, data):
    o, _ = data
    url = "/people/{}/scorecard?period=2025-W47"
    assert as_member.get(url.format(o.member.id)).status_code == 200
    for other in (o.member2, o.manager, o.peer_report):
        assert as_member.get(url.format(other.id)).status_code == 403
        assert as_member.get(url.format(other.id) + "&format=csv").status_code == 403
    for below in (o.member, o.member2, o.indirect, o.manager):
        assert as_manager.get(url.format(below.id)).status_code == 200
    for beside in (o.peer, o.peer_report, o.director):
        assert as_manager.get(url.format(beside.id)).status_code == 403
    assert as_admin.get(url.format(o.peer_report.id)).status_code == 200
    assert as_admin.get(url.format(99999)).status_code == 404
    assert client.get(url.format(o.member.id)).status_code == 302  # to the sign-in page
    # A member does not get links to pages they may not open.
    assert "/scorecards/" not in as_member.get(url.format(o.member.id)).get_data(as_text=True)


def test_team_scorecard(as_manager, as_admin, data):
    o, _ = data
    page = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47")
    assert page.status_code == 200
    assert_valid_html(page)
    body = text(page)
    for name in ("Mo Member", "Mia Member", "Ian Indirect", "Maria Manager"):
        assert name in body
    assert "Paula" not in body and "Pete Peer" not in body
    html = page.get_data(as_text=True)
    header = re.search(r"<thead>.*?</thead>", html, re.DOTALL).group(0)
    assert [h.strip() for h in re.findall(r'<th scope="col" class="num">([^<]*)</th>', header)] == \
        ["Calls made", "Revenue", "First response time"]
    assert f'href="/people/{o.member.id}/scorecard?period=2025-W47&amp;cadence=weekly"' in html
    # The roll-up: calls summed over the people with data (9 + 12 + 2), response averaged.
    foot = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(r"<tfoot>.*?</tfoot>", html, re.DOTALL).group(0)))
    assert "23 total of 3 of 4 people with data" in foot
    assert "1,734.50 total of 2 of 4 people with data" in foot
    assert "25 average of 1 of 1 person with data" in foot

    # Admins see everyone; sub-teams are included unless asked not to.
    company = as_admin.get(f"/teams/{o.teams.company.id}/scorecard?period=2025-W47")
    assert "Paula Peer-Report" in text(company) and "Mo Member" in text(company)
    only = as_admin.get(f"/teams/{o.teams.company.id}/scorecard?period=2025-W47&scope=team")
    assert "Dana Director" in text(only) and "Mo Member" not in text(only)
    # A team outside a manager's reporting line is refused, saying why (it used to answer 200, empty).
    support = as_manager.get(f"/teams/{o.teams.support.id}/scorecard?period=2025-W47")
    assert support.status_code == 403 and "Paula" not in text(support)
    assert "Nobody in Support (or its sub-teams) reports to you" in text(support)
    assert as_admin.get("/teams/99999/scorecard").status_code == 404


def test_team_scorecard_is_not_for_members(as_member, data):
    o, _ = data
    assert as_member.get(f"/teams/{o.teams.sales.id}/scorecard").status_code == 403
    assert as_member.get(f"/teams/{o.teams.sales.id}/scorecard?format=csv").status_code == 403


def test_subtree_view(app, as_manager, as_admin, as_member, login, data):
    o, _ = data
    page = as_manager.get("/scorecards/?period=2025-W47")
    assert page.status_code == 200
    assert_valid_html(page)
    body = text(page)
    for name in ("Mo Member", "Mia Member", "Ian Indirect"):
        assert name in body
    assert "Maria Manager" not in main_text(page)  # below them, not them
    assert "Paula" not in body and "Pete Peer" not in body
    assert "Company / Sales" in body and "Roll-up" in body
    assert re.search(r"Mo Member.*?1 Exceeds\s+1 Fails", body)  # band counts per person

    peer = login(app.test_client(), o.peer)
    body = text(peer.get("/scorecards/?period=2025-W47"))
    assert "Paula Peer-Report" in body and "Mo Member" not in body

    everyone = text(as_admin.get("/scorecards/?period=2025-W47"))
    assert "Company / Support" in everyone and "Paula Peer-Report" in everyone and "Mo Member" in everyone
    filtered = text(as_admin.get(f"/scorecards/?period=2025-W47&team={o.teams.support.id}"))
    assert "Paula Peer-Report" in filtered and "Mo Member" not in filtered

    gone = as_member.get("/scorecards/?period=2025-W47")
    assert gone.status_code == 302
    assert gone.headers["Location"].endswith(f"/people/{o.member.id}/scorecard?period=2025-W47")


def test_a_big_subtree_is_shown_a_few_whole_teams_at_a_time(app, as_admin, data):
    """Everyone: Company (admin, director), Company / Sales (4 people), Company / Support (2). Six
    people per page: the first two teams, then Support; the CSV holds everyone."""
    app.config["PEOPLE_PER_PAGE"] = 6
    first = as_admin.get("/scorecards/?period=2025-W47")
    assert_valid_html(first)
    body = text(first)
    assert "8 people in 3 teams, shown a few teams at a time: page 1 of 2" in body
    o = data[0]
    html = first.get_data(as_text=True)
    assert f'id="team-{o.teams.sales.id}"' in html and f'id="team-{o.teams.support.id}"' not in html
    assert "Mo Member" in body and "Paula Peer-Report" not in body
    assert "Next teams →" in body and "Previous teams" not in body
    assert 'href="/scorecards/?period=2025-W47&amp;page=2"' in html
    page2 = as_admin.get("/scorecards/?period=2025-W47&page=2")
    second = text(page2)
    assert f'id="team-{o.teams.support.id}"' in page2.get_data(as_text=True)
    assert "Paula Peer-Report" in second and "Mo Member" not in second
    assert "← Previous teams" in second and "page 2 of 2" in second
    # A team bigger than a page has a page of its own; a page past the end shows the last one.
    app.config["PEOPLE_PER_PAGE"] = 3
    assert "page 2 of 3" in text(as_admin.get("/scorecards/?period=2025-W47&page=2"))
    assert "Paula Peer-Report" in text(as_admin.get("/scorecards/?period=2025-W47&page=9"))
    rows = rows_of(as_admin.get("/scorecards/?period=2025-W47&format=csv"))
    assert {"Mo Member", "Paula Peer-Report"} <= {r["person"] for r in rows}
    # One page: no pager.
    app.config["PEOPLE_PER_PAGE"] = 50
    assert "Next teams" not in text(as_admin.get("/scorecards/?period=2025-W47"))


def test_csv_exports(as_manager, as_member, data):
    o, _ = data
    rows = rows_of(as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-W47&range=4&format=csv"))
    assert [r["kpi"] for r in rows] == ["calls", "revenue", "response"]
    calls = rows[0]
    assert (calls["person"], calls["period"], calls["value"], calls["band"], calls["previous_band"]) == \
        ("Mia Member", "2025-W47", "12", "Meets", "Exceeds")
    assert (calls["meets"], calls["exceeds"], calls["benchmark_for"], calls["attainment_percent"]) == \
        ("10", "20", "Everyone", "120.0")
    assert [calls[f"value 2025-W{w}"] for w in (44, 45, 46, 47)] == ["", "", "25", "12"]
    assert rows[1]["value"] == "1234.50"
    assert as_member.get(f"/people/{o.member.id}/scorecard?format=csv").status_code == 200

    rows = rows_of(as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47&format=csv"))
    people_rows = [r for r in rows if r["person"]]
    assert {r["email"] for r in people_rows} == {"member@example.com", "member2@example.com",
                                                 "indirect@example.com", "manager@example.com"}
    mo = next(r for r in people_rows if r["email"] == "member@example.com" and r["kpi"] == "calls")
    assert (mo["value"], mo["band"], mo["meets"], mo["benchmark_for"]) == \
        ("9", "Exceeds", "5", "Account Executive, Ramping")
    rollup = next(r for r in rows if not r["person"] and r["kpi"] == "calls")
    assert (rollup["value"], rollup["rollup"], rollup["people_with_data"], rollup["people"]) == ("23", "sum", "3", "4")

    rows = rows_of(as_manager.get("/scorecards/?period=2025-W47&format=csv"))
    assert {r["email"] for r in rows if r["person"]} == {"member@example.com", "member2@example.com",
                                                         "indirect@example.com"}
    assert {r["team"] for r in rows} == {"Company / Sales"}


def test_csv_cells_are_not_formulas(as_admin, sample_org, sample_kpis):
    Person.update(name="=HYPERLINK(1)").where(Person.id == sample_org.member.id).execute()
    put(sample_org.member, sample_kpis.calls, W47, -3)
    rows = rows_of(as_admin.get(f"/people/{sample_org.member.id}/scorecard?period=2025-W47&format=csv"))
    assert rows[0]["person"] == "'=HYPERLINK(1)" and rows[0]["value"] == "-3"


def bigger_org(org, kpis, people=30, weeks=30):
    """More people (in a new sub-team, with roles and levels) with a value every week."""
    team = Team.create(name="Sales East", parent=org.teams.sales)
    role = JobRole.get_by_id(org.roles.ae.id)
    added = [Person.create(email=f"extra{i}@example.com", name=f"Extra {i:02d}", team=team, role=role,
                           level=org.levels["Established" if i % 2 else "Ramping"], manager=org.member2)
             for i in range(people)]
    rows = [{"person": p.id, "kpi": kpi.id, "period_start": W47 - datetime.timedelta(weeks=w), "value": w + i}
            for i, p in enumerate(added) for kpi in (kpis.calls, kpis.revenue) for w in range(weeks)]
    for chunk in range(0, len(rows), 500):
        Measurement.insert_many(rows[chunk:chunk + 500]).execute()
    return added


def test_fixed_number_of_queries(as_manager, as_admin, data, count_queries):
    o, k = data
    pages = [
        (as_manager, f"/people/{o.member2.id}/scorecard?period=2025-W47&range=4"),
        (as_manager, f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47"),
        (as_manager, "/scorecards/?period=2025-W47"),
        (as_admin, "/scorecards/?period=2025-W47&cadence=monthly"),
        (as_manager, f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47&format=csv"),
    ]

    def counts():
        found = []
        for client, url in pages:
            def get(client=client, url=url):
                assert client.get(url).status_code == 200
            found.append(count_queries(get))
        return found

    small = counts()
    range4 = count_queries(lambda: as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-W47&range=4"))
    bigger_org(o, k)
    assert counts() == small
    range26 = count_queries(lambda: as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-W47&range=26"))
    assert range26 == range4
    # The larger organization is really on the pages.
    assert "Extra 29" in text(as_manager.get("/scorecards/?period=2025-W47"))
