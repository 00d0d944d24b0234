"""The scorecards in a real browser (issue 14, item 3), at a laptop's and a phone's width: the team
scorecard's KPI columns all show (or are paged) at 1280 px, the measurables grid and the charts fit a
390 px phone without the page scrolling sideways, and the charts' text stays readable."""
import pytest
from conftest import DESKTOP, PHONE

PAGE_WIDTH = "document.documentElement.scrollWidth"


def pages(ids):
    return {
        "team": f"/teams/{ids.team_id}/scorecard",
        "grid": f"/teams/{ids.team_id}/scorecard?periods=13",
        "trend": f"/people/{ids.member_id}/scorecard/{ids.kpi_key}",
        "bands": f"/teams/{ids.team_id}/scorecard/bands",
        "org-bands": "/scorecards/bands",
    }


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_scorecard_pages_fit(new_page, demo_site, screenshot, width):
    page = new_page("manager", width=width)
    for name, path in pages(demo_site.ids).items():
        page.goto(path)
        assert page.evaluate(PAGE_WIDTH) <= width, f"{name} scrolls sideways at {width} px"
        screenshot(page, name)
        # Every chart's smallest text is drawn at 10 px or more.
        sizes = page.evaluate("""() => [...document.querySelectorAll('.trend-figure svg')]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .map(svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * 12)""")
        assert all(size >= 10 for size in sizes), f"{name}: chart text {sizes} at {width} px"
        if name in ("trend", "bands", "org-bands"):
            assert sizes, f"{name}: no chart shown at {width} px"


def test_all_kpi_columns_show_at_1280(new_page, demo_site, screenshot):
    page = new_page("manager", width=DESKTOP)
    page.goto(pages(demo_site.ids)["team"])
    box = page.locator(".scorecard-grid").first
    scroller = page.locator(".table-scroll").filter(has=box)
    overflow = scroller.evaluate("el => el.scrollWidth - el.clientWidth")
    paged = page.locator("nav.kpi-pager").count()
    assert overflow <= 1 or paged, f"KPI columns hidden in a {overflow} px scroller without a pager"
    screenshot(page, "team-grid")


def test_sparkline_leads_to_its_chart(new_page, demo_site):
    page = new_page("member", width=PHONE)
    page.goto(f"/people/{demo_site.ids.member_id}/scorecard")
    page.get_by_role("link", name="Full chart of").first.click()
    page.wait_for_load_state()
    assert "/scorecard/" in page.url
    assert page.locator(".trend-table tbody tr").count() == 13
