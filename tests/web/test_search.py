"""The header's search: people and KPIs, case-insensitive, wildcards literal, capped, and never anyone
the viewer may not see."""
from html_checks import assert_valid_html

from dualdash.kpis.models import KPI
from dualdash.org.models import Person
from dualdash.web import search


def results(client, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert_valid_html(response)
    return response.get_data(as_text=True)


def people_part(html):
    return html[html.index('id="people-heading"'):html.index('id="kpis-heading"')]


def test_the_box_is_in_the_header_of_every_page(as_member):
    html = as_member.get("/").get_data(as_text=True)
    header = html[html.index("<header"):html.index("</header>")]
    assert '<form role="search"' in header and 'action="/search"' in header
    assert '<label for="site-search-q"' in header and 'name="q"' in header


def test_a_manager_finds_their_line_and_never_anyone_outside_it(sample_org, as_manager):
    html = people_part(results(as_manager, "member"))
    assert "Mo Member" in html and "Mia Member" in html
    html = people_part(results(as_manager, "example.com"))
    for inside in ("Maria Manager", "Mo Member", "Mia Member", "Ian Indirect"):
        assert inside in html
    for outside in ("Paula", "Pete Peer", "Dana Director", "Ada Admin"):
        assert outside not in html
    assert "Nothing matches" in results(as_manager, "Paula")
    assert "Nothing matches" in results(as_manager, "peer_report@")  # by email neither


def test_a_member_finds_kpis_and_themselves_only(sample_org, sample_kpis, as_member):
    html = results(as_member, "m")
    people = people_part(html)
    assert "Mo Member" in people and "Mia Member" not in people and "Maria Manager" not in people
    kpis = html[html.index('id="kpis-heading"'):]
    assert "Calls made" in kpis and "/rank-stacks/calls" in kpis
    assert "/admin/kpis/" not in kpis  # editing is for admins


def test_an_admin_finds_everyone_and_retired_kpis(app, sample_org, sample_kpis, as_admin, as_manager):
    with app.app_context():
        KPI.create(key="old_calls", name="Old calls", cadence="weekly", active=False)
    html = results(as_admin, "CALLS")  # case-insensitive
    assert "Calls made" in html and "Old calls" in html and "Retired" in html
    assert f"/admin/kpis/{sample_kpis.calls.id}/edit" in html
    assert "Paula Peer-Report" in people_part(results(as_admin, "paula"))
    assert "Old calls" not in results(as_manager, "calls")


def test_wildcards_are_literal_and_the_query_is_echoed(app, sample_org, as_admin):
    with app.app_context():
        Person.create(email="percent@example.com", name="Per 100% Cent")
        Person.create(email="under_score@example.com", name="Una Score")
    html = people_part(results(as_admin, "100%"))
    assert "Per 100% Cent" in html and "Mo Member" not in html
    html = people_part(results(as_admin, "%"))
    assert "Per 100% Cent" in html and "Una Score" not in html
    html = people_part(results(as_admin, "_"))  # as a wildcard, it would match everyone
    assert "Una Score" in html and "Paula Peer-Report" in html and "Mo Member" not in html
    assert "&lt;b&gt;" in results(as_admin, "<b>")  # echoed, escaped


def test_an_empty_query_asks_for_one(as_member):
    html = results(as_member, "   ")
    assert "Type part of a person" in html and "people-heading" not in html


def test_results_are_capped(app, sample_org, as_admin, monkeypatch):
    monkeypatch.setattr(search, "LIMIT", 3)
    with app.app_context():
        for i in range(5):
            Person.create(email=f"many{i}@example.com", name=f"Many {i}")
    html = people_part(results(as_admin, "many"))
    assert html.count("/people/") == 3 and "Showing the first 3" in html


def test_search_runs_a_fixed_number_of_queries(app, sample_org, as_admin, count_queries):
    few = count_queries(lambda: as_admin.get("/search?q=example"))
    with app.app_context():
        for i in range(20):
            Person.create(email=f"more{i}@example.com", name=f"More {i}")
    assert count_queries(lambda: as_admin.get("/search?q=example")) == few
