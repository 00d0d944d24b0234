"""Rank stacks: order, roll-ups, groups, visibility, the page, the JSON API and query counts."""
import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from dualdash.kpis.models import KPI, Benchmark, Measurement
from dualdash.org import settings as org_settings
from dualdash.org.models import Person
from dualdash.web.models import ApiToken
from dualdash.web.tokens import hash_token

D = datetime.date
W46, W47 = D(2026, 11, 9), D(2026, 11, 16)
RANGE = {"from": "2026-W46", "to": "2026-W47"}
SVG = re.compile(r"<svg.*?</svg>", re.S)


def put(person, kpi, start, value):
    Measurement.create(person=person, kpi=kpi, period_start=start, value=value)


@pytest.fixture
def stack_data(app, sample_org, sample_kpis):
    """Two weeks of values (calls are summed, so the lines double: 20/40, Ramping 10/16).

    calls: peer 50 (default line, 250%), manager 30 (Senior: default line, 150%), member2 20 (100%),
    member 18 (Ramping, 180%), indirect 4 (Ramping, 40%).
    response (lower is better, averaged, target 60): member2 25, peer 45, peer_report 80."""
    org, k = sample_org, sample_kpis
    with app.app_context():
        for who, weekly in ((org.peer, 25), (org.manager, 15), (org.member2, 10), (org.member, 9),
                            (org.indirect, 2)):
            put(who, k.calls, W46, weekly)
            put(who, k.calls, W47, weekly)
        for who, (a, b) in ((org.member2, (20, 30)), (org.peer, (40, 50)), (org.peer_report, (70, 90))):
            put(who, k.response, W46, a)
            put(who, k.response, W47, b)
    return org, k


def get_stack(client, kpi="calls", **args):
    response = client.get(f"/rank-stacks/{kpi}", query_string={**RANGE, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def make_token(person):
    token = f"dd_test_{person.id}"
    ApiToken.get_or_create(person=person, name="test", token_hash=hash_token(token))
    return {"Authorization": f"Bearer {token}"}


def api_stack(client, person, kpi="calls", status=200, **args):
    response = client.get(f"/api/v1/rank-stacks/{kpi}", query_string={**RANGE, **args},
                          headers=make_token(person))
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()


def table_names(html):
    """The row headers of the stack's table, in order."""
    table = html.split('<table class="rank-table">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<th scope="row">(.*?)</th>', body, re.S)]


# --- order and roll-ups ---------------------------------------------------------------------------

def test_order_by_value_higher_is_better(app, stack_data, client):
    org, _ = stack_data
    rows = api_stack(client, org.admin)["rows"]
    assert [r["name"] for r in rows] == ["Pete Peer", "Maria Manager", "Mia Member", "Mo Member", "Ian Indirect"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["value"] for r in rows] == [50, 30, 20, 18, 4]
    assert [r["band"] for r in rows] == ["exceeds", "meets", "meets", "exceeds", "fails"]
    assert all(r["people"] == 1 and r["is_you"] is False for r in rows)


def test_order_by_attainment_is_fair_across_levels(app, stack_data, client):
    """Mo (Ramping) has a lower value than Mia and Maria but a higher attainment: he ranks above them."""
    org, _ = stack_data
    rows = api_stack(client, org.admin, order="attainment")["rows"]
    assert [r["name"] for r in rows] == ["Pete Peer", "Mo Member", "Maria Manager", "Mia Member", "Ian Indirect"]
    assert [r["attainment"] for r in rows] == [2.5, 1.8, 1.5, 1.0, 0.4]


def test_lower_is_better(app, stack_data, client):
    org, _ = stack_data
    rows = api_stack(client, org.admin, kpi="response")["rows"]
    assert [(r["name"], r["value"], r["band"]) for r in rows] == [
        ("Mia Member", 25, "meets"), ("Pete Peer", 45, "meets"), ("Paula Peer-Report", 80, "fails")]
    assert rows[0]["attainment"] == pytest.approx(60 / 25, abs=1e-4)
    by_attainment = api_stack(client, org.admin, kpi="response", order="attainment")["rows"]
    assert [r["name"] for r in by_attainment] == ["Mia Member", "Pete Peer", "Paula Peer-Report"]


@pytest.mark.parametrize("rollup,expected", [("sum", 6 + 2 + 9), ("mean", (6 + 2 + 9) / 3), ("last", 9),
                                             ("min", 2), ("max", 9)])
def test_rollups(app, sample_org, sample_kpis, client, rollup, expected):
    """The KPI's roll-up is applied over the range; "last" is the latest period with a value (a gap
    in the last week leaves the week before)."""
    with app.app_context():
        KPI.update(rollup=rollup).where(KPI.id == sample_kpis.calls.id).execute()
        for start, value in ((D(2026, 10, 26), 6), (D(2026, 11, 2), 2), (W46, 9), (D(2026, 11, 23), 100)):
            put(sample_org.member2, sample_kpis.calls, start, value)
    data = api_stack(client, sample_org.admin, **{"from": "2026-W44", "to": "2026-W47"})
    assert data["from"] == "2026-W44" and data["to"] == "2026-W47"
    assert [r["value"] for r in data["rows"]] == [pytest.approx(expected)]
    # A summed KPI is judged against its line times the 4 weeks (40); the others against the line.
    meets = 40 if rollup == "sum" else 10
    assert data["rows"][0]["attainment"] == pytest.approx(expected / meets, abs=1e-4)


def test_effective_dated_line_in_force_at_range_start(app, stack_data, client):
    org, k = stack_data
    with app.app_context():
        Benchmark.create(kpi=k.calls, meets=100, exceeds=200, effective_from=W47)
    rows = {r["name"]: r for r in api_stack(client, org.admin)["rows"]}
    assert rows["Maria Manager"]["attainment"] == 1.5     # the line of W46 (×2), not the raised one
    rows = {r["name"]: r for r in api_stack(client, org.admin, **{"from": "2026-W47"})["rows"]}
    assert rows["Maria Manager"]["attainment"] == 0.15    # 15 against 100


# --- groups ---------------------------------------------------------------------------------------

def test_by_role_and_by_team_with_counts(app, stack_data, client):
    org, _ = stack_data
    by_role = api_stack(client, org.admin, by="role")["rows"]
    assert [(r["name"], r["people"], r["value"]) for r in by_role] == [
        ("Support Agent", 1, 50), ("Account Executive", 4, 18)]   # (30 + 20 + 18 + 4) / 4
    ae = by_role[1]
    assert ae["id"] == org.roles.ae.id
    assert ae["attainment"] == pytest.approx((1.5 + 1.0 + 1.8 + 0.4) / 4, abs=1e-4)
    assert ae["band"] == "meets"   # 18 against the mean lines: Meets 15, Exceeds 28
    by_team = api_stack(client, org.admin, by="team", order="attainment")["rows"]
    assert [(r["name"], r["people"], r["rank"]) for r in by_team] == [("Support", 1, 1), ("Sales", 4, 2)]


def test_group_page_says_mean_per_person(app, stack_data, as_admin):
    html = get_stack(as_admin, by="team")
    assert "mean per person" in html
    assert table_names(html) == ["Support", "Sales"]


# --- visibility -----------------------------------------------------------------------------------

def test_member_sees_own_place_and_others_unnamed(app, stack_data, as_member, client):
    org, _ = stack_data
    html = get_stack(as_member)
    assert table_names(html) == ["Someone else", "Someone else", "Someone else", "You (Mo Member)", "Someone else"]
    for name in ("Pete Peer", "Maria Manager", "Mia Member", "Ian Indirect"):
        assert name not in html
    assert '<tr class="you">' in html
    rows = api_stack(client, org.member)["rows"]
    assert [(r["id"], r["name"], r["is_you"]) for r in rows] == [
        (None, None, False), (None, None, False), (None, None, False), (org.member.id, "Mo Member", True),
        (None, None, False)]
    assert [r["value"] for r in rows] == [50, 30, 20, 18, 4]


def test_setting_names_everyone(app, stack_data, as_member, client):
    org, _ = stack_data
    with app.app_context():
        org_settings.save(org_settings.OrgSettings(rank_stacks_name_everyone=True))
    assert table_names(get_stack(as_member)) == [
        "Pete Peer", "Maria Manager", "Mia Member", "You (Mo Member)", "Ian Indirect"]
    rows = api_stack(client, org.member)["rows"]
    assert [r["name"] for r in rows] == ["Pete Peer", "Maria Manager", "Mia Member", "Mo Member", "Ian Indirect"]


def test_small_groups_are_hidden_from_members(app, stack_data, as_member, client):
    org, _ = stack_data
    html = get_stack(as_member, by="team")
    assert "hidden: fewer than 3 people" in html
    rows = api_stack(client, org.member, by="team")["rows"]
    assert [(r["name"], r["rank"], r["people"], r["hidden"], r["is_you"]) for r in rows] == [
        ("Sales", 1, 4, False, True), ("Support", None, None, True, False)]
    assert rows[1]["value"] is None and rows[1]["band"] is None and rows[1]["attainment"] is None
    with app.app_context():
        org_settings.save(org_settings.OrgSettings(min_group_size=5))
    rows = api_stack(client, org.member, by="role")["rows"]
    assert all(r["hidden"] and r["value"] is None for r in rows)
    assert "hidden: fewer than 5 people" in get_stack(as_member, by="role")
    # Admins and managers see every group, however small.
    assert all(not r["hidden"] for r in api_stack(client, org.admin, by="role")["rows"])


def test_manager_sees_only_their_subtree(app, stack_data, as_manager, client):
    org, _ = stack_data
    html = get_stack(as_manager)
    assert table_names(html) == ["You (Maria Manager)", "Mia Member", "Mo Member", "Ian Indirect"]
    assert "Pete Peer" not in html
    rows = api_stack(client, org.manager, by="role")["rows"]
    assert [(r["name"], r["people"], r["value"], r["is_you"]) for r in rows] == [
        ("Account Executive", 2 + 2, 18, True)]
    rows = api_stack(client, org.peer, kpi="response")["rows"]
    assert [r["name"] for r in rows] == ["Pete Peer", "Paula Peer-Report"]


def test_inactive_people_are_left_out(app, stack_data, client):
    org, _ = stack_data
    with app.app_context():
        Person.update(active=False).where(Person.id == org.peer.id).execute()
    assert "Pete Peer" not in [r["name"] for r in api_stack(client, org.admin)["rows"]]


# --- page -----------------------------------------------------------------------------------------

def test_page_draws_a_well_formed_chart_with_band_text(app, stack_data, as_admin):
    html = get_stack(as_admin)
    svg = ET.fromstring(SVG.search(html)[0])
    assert svg.get("role") == "img"
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}title").text.startswith("Rank stack of Calls made")
    texts = ["".join(t.itertext()) for t in svg.iter(f"{ns}text")]
    assert "Pete Peer" in texts and "50 (250%) · Exceeds" in texts and "4 (40%) · Fails" in texts
    assert {r.get("class") for r in svg.iter(f"{ns}rect")} == {"bar band-exceeds", "bar band-meets",
                                                                "bar band-fails"}
    assert "<script" not in html and "style=" not in html
    assert '<span class="band band-exceeds">Exceeds</span>' in html
    assert 'href="/people/%d/scorecard"' % stack_data[0].peer.id in html


def test_default_range_is_the_last_four_complete_periods(app, sample_kpis, as_admin):
    html = as_admin.get("/rank-stacks/calls").get_data(as_text=True)
    assert "the last 4 complete periods" in html
    assert "No values for Calls made in this range" in html


def test_bad_input_rerenders_the_form(app, sample_kpis, as_admin):
    response = as_admin.get("/rank-stacks/calls", query_string={"from": "2026-13", "to": "2026-W47", "by": "x"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="2026-13"' in html and 'value="2026-W47"' in html
    assert 'id="rs-from-error"' in html and 'id="rs-by-error"' in html
    assert as_admin.get("/rank-stacks/calls", query_string={"from": "2026-W47", "to": "2026-W40"}).status_code == 400
    assert as_admin.get("/rank-stacks/nope").status_code == 404


def test_index_lists_active_kpis(app, sample_kpis, as_member):
    with app.app_context():
        KPI.update(active=False).where(KPI.key == "revenue").execute()
    html = as_member.get("/rank-stacks/").get_data(as_text=True)
    assert 'href="/rank-stacks/calls"' in html and 'href="/rank-stacks/response"' in html
    assert "/rank-stacks/revenue" not in html


def test_index_empty_state(app, sample_org, as_admin):
    assert "There are no KPIs yet" in as_admin.get("/rank-stacks/").get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(app, sample_kpis, client):
    assert client.get("/rank-stacks/calls").status_code == 302


# --- long stacks are paged ------------------------------------------------------------------------

@pytest.fixture
def two_per_page(app):
    app.config["PEOPLE_PER_PAGE"] = 2


def test_a_long_stack_is_paged_ranked_among_everyone(app, stack_data, two_per_page, as_admin):
    html = get_stack(as_admin)
    assert table_names(html) == ["Pete Peer", "Maria Manager"]
    assert "Page 1 of 3 (5 people)" in html and "Ranks 1 to 2 of 5." in html
    assert "Next →" in html and "← Previous" not in html
    html = get_stack(as_admin, page=3)
    assert table_names(html) == ["Ian Indirect"]
    assert "<td>5</td>" in html and "Page 3 of 3" in html and "Next →" not in html and "← Previous" in html
    # The links keep the range, grouping and order.
    assert 'href="/rank-stacks/calls?page=2&amp;from=2026-W46&amp;to=2026-W47&amp;by=person&amp;order=value"' in html
    # A page past the end shows the last one; a page that is not a number, the first.
    assert table_names(get_stack(as_admin, page=9)) == ["Ian Indirect"]
    assert table_names(get_stack(as_admin, page="x")) == ["Pete Peer", "Maria Manager"]


def test_the_viewers_own_place_is_always_shown(app, stack_data, two_per_page, as_member):
    html = get_stack(as_member)
    assert table_names(html) == ["Someone else", "Someone else", "You (Mo Member)"]
    assert "your own place, rank 4, is shown after them" in html
    assert '<tbody class="your-place">' in html
    svg = ET.fromstring(SVG.search(html)[0])
    labels = ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")
              if t.get("class") == "bar-label"]
    assert labels == ["Someone else", "Someone else", "You (Mo Member)"]
    # On its own page the viewer's row is not shown twice.
    html = get_stack(as_member, page=2)
    assert table_names(html) == ["Someone else", "You (Mo Member)"]
    assert "your-place" not in html


def test_groups_and_the_api_are_not_paged(app, stack_data, two_per_page, as_admin, client):
    assert len(api_stack(client, stack_data[0].admin)["rows"]) == 5
    assert table_names(get_stack(as_admin, by="role")) == ["Support Agent", "Account Executive"]
    assert "Page 1 of" not in get_stack(as_admin, by="role")


# --- API errors -----------------------------------------------------------------------------------

def test_api_errors_are_json(app, stack_data, client):
    org, _ = stack_data
    data = api_stack(client, org.admin, kpi="nope", status=404)
    assert "nope" in data["message"]
    data = api_stack(client, org.admin, status=400, **{"from": "next week"})
    assert data["errors"] == [{"field": "from", "message": data["errors"][0]["message"]}]
    assert "is not a period" in data["errors"][0]["message"]
    data = api_stack(client, org.admin, status=400, **{"from": "2026-11"})
    assert "is a month, but this KPI is weekly" in data["errors"][0]["message"]
    data = api_stack(client, org.admin, status=400, order="alphabet")
    assert data["errors"][0]["field"] == "order"
    response = client.get("/api/v1/rank-stacks/calls")
    assert response.status_code == 401 and response.is_json


def test_api_and_page_agree(app, stack_data, client, as_admin):
    org, _ = stack_data
    rows = api_stack(client, org.admin, by="role", order="attainment")["rows"]
    assert table_names(get_stack(as_admin, by="role", order="attainment")) == [r["name"] for r in rows]


# --- query counts ---------------------------------------------------------------------------------

def grow(org, kpis, count):
    """``count`` more Account Executives under the manager, each with two weeks of calls."""
    for i in range(count):
        p = Person.create(email=f"extra{i}@example.com", name=f"Extra {i}", team=org.teams.sales,
                          role=org.roles.ae, level=org.levels["Established"], manager=org.manager)
        put(p, kpis.calls, W46, i)
        put(p, kpis.calls, W47, i + 1)


@pytest.mark.parametrize("by", ["person", "team"])
@pytest.mark.parametrize("rollup", ["sum", "last"])
def test_fixed_number_of_queries(app, stack_data, count_queries, login, by, rollup):
    org, k = stack_data
    with app.app_context():
        KPI.update(rollup=rollup).where(KPI.id == k.calls.id).execute()
    clients = {who: login(app.test_client(), getattr(org, who)) for who in ("admin", "manager", "member")}
    token = make_token(org.member)
    api = app.test_client()

    def counts():
        found = {who: count_queries(lambda c=c: get_stack(c, by=by)) for who, c in clients.items()}
        found["api"] = count_queries(lambda: api.get("/api/v1/rank-stacks/calls", query_string={**RANGE, "by": by},
                                                      headers=token))
        return found

    counts()  # the token's first use is recorded once (then at most once a minute), not on every read
    small = counts()
    with app.app_context():
        grow(org, k, 25)
    assert counts() == small


# --- never later than the period in progress (issue 13, item 5) -------------------------------------

def _weeks_around_today():
    from dualdash.kpis import periods
    today = datetime.date.today()
    current = periods.containing(today, "weekly")
    return today, current, [periods.shift(current, n) for n in range(-4, 4)]


def test_later_from_the_default_range_stops_at_the_period_in_progress(app, sample_org, sample_kpis, as_admin):
    from dualdash.kpis import periods
    today, current, _ = _weeks_around_today()
    with app.app_context():
        put(sample_org.manager, sample_kpis.calls, current.start, 50)
    html = as_admin.get("/rank-stacks/calls").get_data(as_text=True)
    later = re.search(r'<a href="([^"]+)" rel="next">Later (\d+) →</a>', html)
    assert later, "the default range has a later one: the week in progress"
    href = later.group(1).replace("&amp;", "&")
    assert later.group(2) == "1"
    assert f"from={periods.key(current)}" in href and f"to={periods.key(current)}" in href
    page = as_admin.get(href).get_data(as_text=True)
    assert "in progress: judged against the target so far" in page
    assert 'rel="next"' not in page  # nothing later than the period in progress
    # Asked for weeks that have not happened, the range is brought back to the one in progress.
    future = periods.shift(current, 3)
    asked = as_admin.get("/rank-stacks/calls", query_string={"from": periods.key(current), "to": periods.key(future)})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert periods.key(future) not in text and f'value="{periods.key(current)}"' in text
    assert "in progress: judged against the target so far" in text
    assert "Fails" not in table_text(text) or "Exceeds" in table_text(text)


def table_text(html):
    return re.sub(r"<[^>]+>", " ", html.split('<table class="rank-table">', 1)[1].split("</table>", 1)[0])


def test_a_range_in_progress_is_judged_against_the_target_so_far(app, sample_org, sample_kpis):
    from dualdash.kpis import rank_stacks
    wednesday = D(2026, 11, 18)  # three days of 2026-W47 have passed (the week starts on Monday)
    with app.app_context():
        put(sample_org.manager, sample_kpis.calls, W47, 5)   # default line 10 / 20
        put(sample_org.peer, sample_kpis.calls, W47, 9)
        settings = org_settings.get()
        req = rank_stacks.read_request(sample_kpis.calls, {"from": "2026-W47", "to": "2026-W50"}, settings,
                                       today=wednesday)
        assert (req.first.start, req.last.start) == (W47, W47)  # not three weeks that have not happened
        stack = rank_stacks.build(req, rank_stacks.audience(sample_org.admin), settings, today=wednesday)
        assert stack.in_progress and stack.target_share == pytest.approx(3 / 7)
        bands = {row.name: row.band.value for row in stack.rows}
        # 5 calls by Wednesday against 10 × 3/7 ≈ 4.3 meets; 9 against 20 × 3/7 ≈ 8.6 exceeds.
        assert bands == {"Maria Manager": "meets", "Pete Peer": "exceeds"}
        # A week that is over is judged against the whole week.
        done = rank_stacks.build(req, rank_stacks.audience(sample_org.admin), settings, today=D(2026, 11, 30))
        assert not done.in_progress and done.target_share == 1
        assert {row.name: row.band.value for row in done.rows} == {"Maria Manager": "fails", "Pete Peer": "fails"}


def test_the_api_brings_a_future_range_back_and_says_it_is_in_progress(app, sample_org, sample_kpis, client):
    from dualdash.kpis import periods
    today, current, weeks = _weeks_around_today()
    with app.app_context():
        put(sample_org.manager, sample_kpis.calls, current.start, 50)
    body = api_stack(client, sample_org.admin, **{"from": periods.key(weeks[4]), "to": periods.key(weeks[7])})
    assert body["from"] == body["to"] == periods.key(current)
    assert body["in_progress"] is True
    assert 0 < body["target_share"] <= 1
    past = api_stack(client, sample_org.admin, **RANGE)
    assert past["in_progress"] is False and past["target_share"] == 2
