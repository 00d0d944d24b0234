"""The numbers on the 1:1 page, and the drivers and skills pages at a glance (issue 14, items 2 and 4), in a
real browser at a laptop's and a phone's width: what shows first, side by side or stacked, and no page
wider than the phone."""
import pytest
from conftest import DESKTOP, PHONE


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_meeting_page_carries_the_numbers(new_page, demo_site, screenshot, width):
    page = new_page("manager", width=width)
    page.goto(f"/meetings/{demo_site.ids.meeting_id}")
    numbers = page.get_by_role("complementary", name="numbers")
    for part in ("Scorecard", "Performance Drivers", "Role skills"):
        expect(numbers.get_by_role("region", name=part)).to_be_visible()
    scorecard = numbers.get_by_role("region", name="Scorecard")
    assert scorecard.get_by_role("row").count() >= 2
    expect(scorecard.get_by_role("img").first).to_be_visible()  # a sparkline per KPI
    assert scorecard.locator(".band").first.inner_text() in ("Fails", "Meets", "Exceeds", "No band")  # words too
    # A KPI's agenda item shows its value and band inline.
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda.locator(".meeting-kpi-inline").first).to_be_visible()
    # The last 1:1 is folded, and opens on a click.
    last = numbers.locator("details.meeting-last")
    if last.count():
        last.locator("summary").click()
        expect(last.get_by_role("link", name="Open that 1:1")).to_be_visible()
    agenda_box, numbers_box = agenda.bounding_box(), numbers.bounding_box()
    if width == DESKTOP:  # side by side
        assert numbers_box["x"] > agenda_box["x"] + agenda_box["width"] - 1
        assert abs(numbers_box["y"] - agenda_box["y"]) < 40
    else:  # stacked, the agenda first
        assert numbers_box["y"] > agenda_box["y"] + agenda_box["height"] - 1
    _fits(page, width)
    screenshot(page, "meeting")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_drivers_page_starts_with_a_table_of_all_drivers(new_page, demo_site, screenshot, width):
    page = new_page("manager", width=width)
    page.goto(f"/people/{demo_site.ids.member_id}/drivers")
    summary = page.get_by_role("region", name="At a glance")
    table = summary.get_by_role("table")
    expect(table).to_be_visible()
    assert table.get_by_role("row").count() >= 2
    # The table comes before the folded detail, whose history shows only when opened.
    first = page.locator("details.driver-fold").first
    assert table.bounding_box()["y"] < first.bounding_box()["y"]
    expect(first.locator(".driver-history, .empty").first).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator(".driver-history, p.empty").first).to_be_visible()
    # The rating form is one step away.
    page.get_by_role("link", name=f"Rate {demo_site.ids.member_name}’s drivers").click()
    expect(page.locator("#rate")).to_be_in_viewport()
    _fits(page, width)
    screenshot(page, "drivers")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_skills_page_starts_with_a_table_of_all_skills(new_page, demo_site, screenshot, width):
    page = new_page("manager", width=width)
    page.goto(f"/people/{demo_site.ids.member_id}/skills")
    table = page.locator("table.skills-person")
    expect(table).to_be_visible()
    history = page.locator("details.skills-fold")
    if history.count():
        assert table.bounding_box()["y"] < history.bounding_box()["y"]
        expect(history.locator("table")).to_be_hidden()
        history.locator("summary").click()
        expect(history.locator("table")).to_be_visible()
    _fits(page, width)
    screenshot(page, "skills")
