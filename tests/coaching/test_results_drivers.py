"""Results × drivers: quadrants from KPI attainment and driver ratings, empty states, permissions,
query counts."""
import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from dualdash.coaching import results_drivers
from dualdash.coaching.models import DriverRating
from dualdash.kpis import periods
from dualdash.kpis.models import Measurement
from dualdash.org import access
from dualdash.org.models import Person, Team

D = datetime.date
W46, W47 = D(2026, 11, 9), D(2026, 11, 16)
RATED_ON = D(2026, 11, 18)
WINDOW = {"from": "2026-W44", "to": "2026-W47"}
SVG = re.compile(r"<svg.*?</svg>", re.S)
NS = "{http://www.w3.org/2000/svg}"


def put(person, kpi, start, value):
    Measurement.create(person=person, kpi=kpi, period_start=start, value=value)


def rate(person, by, score, driver="communication", on=RATED_ON, is_self=False):
    DriverRating.create(person=person, rated_by=by, driver_key=driver, score=score, rated_on=on, is_self=is_self)


@pytest.fixture
def results(app, sample_org, sample_kpis):
    """Weekly calls in W46 and W47 (lines: 10, Ramping 5), and member2's response (target 60).

    member (Ramping) 9 a week: 180%; member2 10 a week (100%) and response 20 then 30 (300%, 200%):
    (100% + 250%) / 2 = 175%; indirect (Ramping) 2 a week: 40%; manager 8 a week: 80%."""
    org, k = sample_org, sample_kpis
    with app.app_context():
        for who, weekly in ((org.member, 9), (org.member2, 10), (org.indirect, 2), (org.manager, 8)):
            put(who, k.calls, W46, weekly)
            put(who, k.calls, W47, weekly)
        put(org.member2, k.response, W46, 20)
        put(org.member2, k.response, W47, 30)
    return org, k


@pytest.fixture
def ratings(app, results):
    """Driver ratings on the default 1–5 scale.

    member 4 and 5: 0.875 (sustainable); member2 1 and 2: 0.125 (at risk); indirect 1: 0 (needs
    support; their self-rating of 5, a rating of an unknown driver and one outside the window are
    ignored); manager 4: 0.75 (building)."""
    org, _ = results
    with app.app_context():
        rate(org.member, org.manager, 4)
        rate(org.member, org.manager, 5, driver="preparation")
        rate(org.member2, org.manager, 1)
        rate(org.member2, org.manager, 2, driver="follow_through")
        rate(org.indirect, org.member2, 1)
        rate(org.indirect, org.indirect, 5, is_self=True)
        rate(org.indirect, org.member2, 5, driver="telepathy")
        rate(org.indirect, org.member2, 5, on=D(2026, 10, 1))
        rate(org.manager, org.director, 4)
    return results


def page(client, team, status=200, **args):
    response = client.get(f"/teams/{team.id}/results-drivers", query_string={**WINDOW, **args})
    assert response.status_code == status
    return response.get_data(as_text=True)


def table(html):
    body = html.split('<table class="results-drivers-table stack">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def test_quadrants(app, ratings, as_admin):
    org, _ = ratings
    html = page(as_admin, org.teams.sales)
    assert table(html) == [
        ["Ian Indirect", "40% over 1 KPI", "1.0 of 5 1 rating", "Needs support"],
        ["Maria Manager", "80% over 1 KPI", "4.0 of 5 1 rating", "Drivers without results yet — building"],
        ["Mia Member", "175% over 2 KPIs", "1.5 of 5 2 ratings", "Results without drivers — at risk"],
        ["Mo Member", "180% over 1 KPI", "4.5 of 5 2 ratings", "Sustainable"],
    ]
    svg = ET.fromstring(SVG.search(html)[0])
    # A labelled group, not an image: an image would hide the points' links from assistive technology.
    assert svg.get("role") == "group" and svg.get("aria-labelledby")
    texts = {"".join(t.itertext()) for t in svg.iter(f"{NS}text")}
    assert {"Sustainable", "Results without drivers — at risk", "Drivers without results yet — building",
            "Needs support"} <= texts
    links = {a.get("href"): "".join(a.find(f"{NS}text").itertext()) for a in svg.iter(f"{NS}a")}
    assert links == {f"/people/{p.id}/scorecard": p.name
                     for p in (org.member, org.member2, org.indirect, org.manager)}
    titles = [a.find(f"{NS}title").text for a in svg.iter(f"{NS}a")]
    assert "Mo Member: attainment 180%, drivers 4.5 of 5 — Sustainable" in titles
    assert "<script" not in html and "style=" not in html


def test_placements_are_computed_from_ratings(app, ratings):
    org, _ = ratings
    with app.test_request_context():
        people = results_drivers.people_in(access.team_and_below_ids(org.teams.sales.id))
        first, last = results_drivers.read_window(WINDOW, _settings())
        view = results_drivers.build(org.teams.sales, people, first, last)
    by_name = {p.person.name: p for p in view.placements}
    assert by_name["Mia Member"].attainment == pytest.approx(1.75)
    assert by_name["Mia Member"].drivers == pytest.approx(0.125)
    assert by_name["Ian Indirect"].drivers == 0 and by_name["Ian Indirect"].ratings == 1
    assert by_name["Mo Member"].quadrant == "sustainable"
    assert view.scale == (1, 5)


def _settings():
    from dualdash.org import settings as org_settings
    return org_settings.get()


def test_manager_sees_the_people_below_them(app, ratings, as_manager):
    org, _ = ratings
    names = [row[0] for row in table(page(as_manager, org.teams.sales))]
    assert names == ["Ian Indirect", "Mia Member", "Mo Member"]        # not the manager themselves
    # A parent team includes its sub-teams.
    assert [row[0] for row in table(page(as_manager, org.teams.company))] == names


def test_no_ratings_yet(app, results, as_admin):
    org, _ = results
    html = page(as_admin, org.teams.sales)
    assert "No driver ratings yet:" in html
    assert "<svg" not in html
    rows = table(html)
    assert ["Mo Member", "180% over 1 KPI", "not rated yet", "Not rated yet"] in rows


def test_ratings_but_nobody_placed(app, sample_org, sample_kpis, as_admin):
    with app.app_context():
        rate(sample_org.member, sample_org.manager, 3)
    html = page(as_admin, sample_org.teams.sales)
    assert "Nobody can be placed yet" in html and "<svg" not in html
    assert ["Mo Member", "no KPI results yet", "3.0 of 5 1 rating", "No KPI results yet"] in table(html)


def test_empty_team(app, sample_org, as_admin):
    with app.app_context():
        empty = Team.create(name="Empty")
    assert "Nobody is in this team" in page(as_admin, empty)


def test_permissions(app, ratings, as_member, login, client):
    org, _ = ratings
    page(as_member, org.teams.sales, status=403)
    peer = login(app.test_client(), org.peer)
    page(peer, org.teams.sales, status=403)            # nobody in Sales reports to them
    assert "Paula Peer-Report" in page(peer, org.teams.support)
    assert client.get(f"/teams/{org.teams.sales.id}/results-drivers").status_code == 302
    assert login(app.test_client(), org.admin).get("/teams/9999/results-drivers").status_code == 404


def test_bad_window(app, results, as_admin):
    org, _ = results
    html = page(as_admin, org.teams.sales, status=400, **{"from": "2026-11"})
    assert "is not a week" in html and 'value="2026-11"' in html
    page(as_admin, org.teams.sales, status=400, **{"from": "2026-W47", "to": "2026-W40"})


def test_default_window_is_thirteen_weeks(app, results, as_admin):
    org, _ = results
    html = as_admin.get(f"/teams/{org.teams.sales.id}/results-drivers").get_data(as_text=True)
    first, last = (periods.parse(text, "weekly")
                   for text in re.findall(r'name="(?:from|to)" value="([^"]+)"', html))
    assert (last.start - first.start).days == 12 * 7
    assert last == periods.containing(datetime.date.today(), "weekly")


def test_fixed_number_of_queries(app, ratings, count_queries, as_admin, as_manager):
    org, k = ratings

    def counts():
        return [count_queries(lambda c=c: page(c, org.teams.company)) for c in (as_admin, as_manager)]

    small = counts()
    with app.app_context():
        for i in range(20):
            p = Person.create(email=f"extra{i}@example.com", name=f"Extra {i}", team=org.teams.sales,
                              role=org.roles.ae, level=org.levels["Established"], manager=org.manager)
            put(p, k.calls, W46, i)
            put(p, k.revenue, W47, 100 * i)
            rate(p, org.manager, 1 + i % 5)
            rate(p, org.manager, 3, driver="leadership")
    assert counts() == small
