"""Home and the header's search in a real browser (issue 14, items 1 and 8): the demo manager reaches each
daily task from Home in one click; the member's and the admin's homes; the search box; all at a laptop's
and a phone's width, with screenshots, and nothing scrolls sideways on the phone."""
import re

import pytest
from conftest import DESKTOP, PHONE

#: Each section of the manager's Home, and where its first item leads.
MANAGER_SECTIONS = {
    "meetings-heading": r"/meetings/\d+$",
    "overdue-heading": r"/(meetings/\d+|action-items/)$",
    "curious-heading": r"/people/\d+/scorecard$",
    "celebrate-heading": r"/people/\d+/scorecard$",
    "missing-heading": r"/people/\d+/scorecard$",
    "drivers-heading": r"/people/\d+/drivers$",
}
#: The sections the demo always fills for its manager (others may be empty on some days).
ALWAYS_FILLED = ("meetings-heading", "overdue-heading", "missing-heading")


def section(page, heading_id):
    return page.locator(f"section:has(#{heading_id})")


def fits(page, width):
    """Nothing wider than the window: no sideways scrolling."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide at {width} px"


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_manager_reaches_each_daily_task_in_one_click(new_page, screenshot, width):
    page = new_page("manager", width=width)
    page.goto("/")
    screenshot(page, "manager-home")
    fits(page, width)
    clicked = []
    for heading_id, target in MANAGER_SECTIONS.items():
        page.goto("/")
        first = section(page, heading_id).locator(".today-list li a").first
        if not first.count():
            assert heading_id not in ALWAYS_FILLED, f"the demo manager's {heading_id} section is empty"
            assert section(page, heading_id).locator(".empty").count() == 1  # says so
            continue
        first.click()
        page.wait_for_load_state()
        assert re.search(target, page.url), f"{heading_id}: {page.url}"
        assert page.locator("h1").count() == 1
        clicked.append(heading_id)
    assert set(ALWAYS_FILLED) <= set(clicked)
    # The missing values: one click to the entry grid of that week.
    page.goto("/")
    section(page, "missing-heading").get_by_role("link", name=re.compile("Enter the missing values")).click()
    page.wait_for_load_state()
    assert "/measurements/grid?cadence=weekly&period=" in page.url
    assert page.locator("input[name^='v-']").count() > 0


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_members_home(new_page, screenshot, width):
    page = new_page("member", width=width)
    page.goto("/")
    screenshot(page, "member-home")
    fits(page, width)
    assert page.locator("#meetings-heading").count() == 0 and page.locator("#gaps-heading").count() == 0
    nxt = section(page, "next-heading")
    assert nxt.locator("ol li").count() > 0  # the demo's next 1:1 is prepared: its agenda shows
    nxt.locator("p a").first.click()
    page.wait_for_load_state()
    assert re.search(r"/meetings/\d+$", page.url)
    page.goto("/")
    card = section(page, "scorecard-heading")
    assert re.search(r"Exceeds|Meets|Fails|No band", card.inner_text())
    card.locator(".today-list a").first.click()
    page.wait_for_load_state()
    assert re.search(r"/people/\d+/scorecard$", page.url)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_admins_home_shows_set_up_gaps(new_page, screenshot, width):
    page = new_page("admin", width=width)
    page.goto("/")
    screenshot(page, "admin-home")
    fits(page, width)
    gaps = section(page, "gaps-heading")
    link = gaps.locator(".today-list a").first
    assert link.count(), "the demo has a set-up gap (a person without a job role)"
    link.click()
    page.wait_for_load_state()
    assert re.search(r"/admin/(people/\d+/edit|kpis/\d+/benchmarks)$", page.url)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_search_box_finds_people_and_kpis(new_page, screenshot, width):
    page = new_page("manager", width=width)
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Search people and KPIs")
    box.focus()
    box.fill("riley")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the keyboard alone submits it
    assert "/search?q=riley" in page.url
    screenshot(page, "search")
    fits(page, width)
    assert page.get_by_role("search").get_by_label("Search people and KPIs").input_value() == "riley"
    people = section(page, "people-heading")
    assert people.get_by_role("link", name="Riley Member").count() == 1
    people.get_by_role("link", name="Riley Member").click()
    page.wait_for_load_state()
    assert re.search(r"/people/\d+$", page.url)
    page.goto("/search?q=calls")
    section(page, "kpis-heading").locator("a").first.click()
    page.wait_for_load_state()
    assert "/rank-stacks/" in page.url
    page.goto("/search?q=nobody-is-called-this")
    assert "Nothing matches" in page.locator("main").inner_text()
