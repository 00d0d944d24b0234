"""The team scorecard as a measurables grid (people × the last N periods per KPI), its KPI pager, the
full-size trend chart of one KPI and the band counts over time: values and bands in the right cells,
N bounded, who may see them, and a fixed number of queries."""
import datetime
import re

import pytest
from html_checks import assert_valid_html

from dualdash.kpis.models import Benchmark, Measurement
from dualdash.kpis.views.team_scorecard import KPIPages

D = datetime.date
W45, W46, W47 = D(2025, 11, 3), D(2025, 11, 10), D(2025, 11, 17)


def put(person, kpi, start, value, note=None):
    Measurement.create(person=person, kpi=kpi, period_start=start, value=value, note=note)


def flat(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def data(app, sample_org, sample_kpis):
    o, k = sample_org, sample_kpis
    put(o.member2, k.calls, W45, 25)          # Established: 10 / 20 → Exceeds
    put(o.member2, k.calls, W46, 12)          # Meets
    put(o.member2, k.calls, W47, 3, "was ill")  # Fails, with a note
    put(o.member, k.calls, W47, 9)            # Ramping: 5 / 8 → Exceeds
    return o, k


def block(html, kpi_name):
    for part in html.split('<section class="measurables"')[1:]:
        if f">{kpi_name}" in part.split("</h3>")[0]:
            return part.split("</section>")[0]
    raise AssertionError(f"no block for {kpi_name}")


def cells_of(block_html, person):
    row = next(r for r in block_html.split("<tr>") if f">{person}</a>" in r)
    return [flat(c).strip() for c in re.findall(r'<td class="num mcell[^>]*>(.*?)</td>', row, re.DOTALL)]


def test_measurables_grid(as_manager, data):
    o, _ = data
    page = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47&periods=3")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    calls = block(html, "Calls made")
    assert [flat(h).strip() for h in re.findall(r'<th scope="col" class="num">(.*?)</th>', calls)] == \
        ["3 Nov", "10 Nov", "17 Nov"]
    assert cells_of(calls, "Mia Member") == ["25 E Exceeds", "12 M Meets", "3 F Fails"]
    assert cells_of(calls, "Mo Member") == ["No data – No band", "No data – No band", "9 E Exceeds"]
    assert 'class="num mcell m-fails" title="was ill"' in calls
    # The roll-up of each period: calls are summed over the people with data.
    assert [flat(t).strip() for t in re.findall(r"<tfoot>.*?</tfoot>", calls, re.DOTALL)] == ["Total 25 12 12"]
    assert "E Exceeds" in flat(html) and "F Fails" in flat(html)


@pytest.mark.parametrize("query", ["periods=0", "periods=14", "periods=many"])
def test_periods_are_bounded(as_manager, data, query):
    o, _ = data
    page = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47&{query}")
    assert page.status_code == 400
    body = flat(page.get_data(as_text=True))
    assert "Choose from 1 to 13 periods." in body or "Not a valid integer value" in body
    assert 'class="measurables"' not in page.get_data(as_text=True)  # the one-period grid instead


def test_kpi_pages():
    links = []
    pages = KPIPages(14, 6, 2, lambda n: links.append(n) or f"?kpis={n}")
    assert (pages.first, pages.last, pages.count, pages.previous, pages.next) == (7, 12, 3, "?kpis=1", "?kpis=3")
    last = KPIPages(14, 6, 99, str)
    assert (last.number, last.first, last.last, last.next) == (3, 13, 14, None)
    assert KPIPages(3, 6, 1, str).count == 1


def test_person_trend_chart(as_manager, as_member, data):
    o, k = data
    Benchmark.create(kpi=k.calls, meets=15, exceeds=30, effective_from=W47)  # the line changes in W47
    page = as_manager.get(f"/people/{o.member2.id}/scorecard/{k.calls.key}?period=2025-W47&range=4")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert html.count('role="img"') == 2  # the wide and the narrow chart
    table = flat(re.search(r'<table class="trend-table">.*?</table>', html, re.DOTALL).group(0))
    assert "Week of 17 Nov 2025 3 Fails 15 30 was ill" in table
    assert "Week of 10 Nov 2025 12 Meets 10 20" in table
    assert "Week of 27 Oct 2025 No data No band" in table
    assert "Note, Week of 17 Nov 2025: was ill" in html
    # The person's scorecard links each sparkline here.
    card = as_manager.get(f"/people/{o.member2.id}/scorecard?period=2025-W47").get_data(as_text=True)
    assert f'href="/people/{o.member2.id}/scorecard/{k.calls.key}?period=2025-W47' in card
    assert '<span class="sr-only">Full chart of Calls made</span></a>' in card
    # As the person's scorecard: a member sees their own, not someone else's; no such KPI is a 404.
    assert as_member.get(f"/people/{o.member.id}/scorecard/{k.calls.key}").status_code == 200
    assert as_member.get(f"/people/{o.member2.id}/scorecard/{k.calls.key}").status_code == 403
    assert as_manager.get(f"/people/{o.member2.id}/scorecard/no-such-kpi").status_code == 404
    assert as_manager.get(f"/people/99999/scorecard/{k.calls.key}").status_code == 404


def test_band_counts(as_manager, as_admin, as_member, data):
    o, _ = data
    page = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard/bands?period=2025-W47&periods=3")
    assert page.status_code == 200
    assert_valid_html(page)
    table = flat(re.search(r'<table class="trend-table">.*?</table>', page.get_data(as_text=True),
                           re.DOTALL).group(0))
    # Sales: four people with calls and revenue, Mia also response (nine cells a week), most without data.
    assert "Week of 17 Nov 2025 1 0 1 7" in table  # Exceeds, Meets, Fails, No band
    assert "Week of 10 Nov 2025 0 1 0 8" in table
    assert "Week of 3 Nov 2025 1 0 0 8" in table
    assert as_manager.get("/scorecards/bands?period=2025-W47").status_code == 200
    assert "the whole organization" in flat(as_admin.get("/scorecards/bands").get_data(as_text=True))
    assert as_manager.get("/scorecards/bands?periods=1").status_code == 400
    assert as_manager.get(f"/teams/{o.teams.support.id}/scorecard/bands").status_code == 403
    assert as_member.get(f"/teams/{o.teams.sales.id}/scorecard/bands").status_code == 403
    assert as_member.get("/scorecards/bands").status_code == 403


def test_fixed_number_of_queries(as_manager, data, count_queries):
    from test_scorecard_pages import bigger_org
    o, k = data
    urls = [f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47&periods=4",
            f"/teams/{o.teams.sales.id}/scorecard/bands?period=2025-W47&periods=4",
            "/scorecards/bands?period=2025-W47&periods=4",
            f"/people/{o.member2.id}/scorecard/{k.calls.key}?period=2025-W47&range=4"]

    def counts(replace=None):
        found = []
        for url in urls:
            url = url.replace("periods=4", replace).replace("range=4", replace.replace("periods", "range")) \
                if replace else url

            def get(url=url):
                assert as_manager.get(url).status_code == 200
            found.append(count_queries(get))
        return found

    small = counts()
    bigger_org(o, k)
    assert counts() == small
    assert counts("periods=13") == small
