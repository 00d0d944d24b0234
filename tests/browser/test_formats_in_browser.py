"""Dates, times and KPI values read one way in a real browser, at a desk's width and a phone's (issue 14,
item 7): the scorecard, the 1:1 page and its worksheet write "$12,000" and "Fri 4 Dec 2026, 09:30" alike,
and the currency setting refuses a code that is not one, beside the field."""
import re

import pytest
from conftest import DESKTOP, PHONE

#: "4 Dec 2026", "Fri 4 Dec 2026, 09:30": the shapes dualdash.shared.formats writes.
DATE = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
DATETIME = r"[A-Z][a-z]{2} " + DATE + r", \d{2}:\d{2}"
#: A date written another way: "2026-12-04" or "04 Dec 2026" shown as text.
OTHER_DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b0\d [A-Z][a-z]{2} \d{4}\b")


def visible_text(page):
    return page.locator("main").inner_text()


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_scorecard_meeting_and_worksheet_write_values_and_dates_one_way(new_page, demo_site, screenshot, width):
    page = new_page("manager", width=width)
    page.goto(f"/people/{demo_site.ids.member_id}/scorecard")
    text = visible_text(page)
    assert re.search(r"\$\d{1,3}(,\d{3})*\b", text), "a currency KPI is written with its symbol"
    assert re.search(r"Meets \$\d", text), "benchmark lines are written like the values"
    assert not OTHER_DATES.search(text), OTHER_DATES.search(text)
    screenshot(page, "scorecard")
    page.goto(f"/meetings/{demo_site.ids.meeting_id}")
    text = visible_text(page)
    assert re.search(DATETIME, text) and not OTHER_DATES.search(text), OTHER_DATES.search(text)
    when = page.locator("main time").first
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", when.get_attribute("datetime"))
    assert re.fullmatch(DATETIME, when.inner_text())
    screenshot(page, "meeting")
    page.goto(f"/meetings/{demo_site.ids.meeting_id}/worksheet")
    text = page.locator("body").inner_text()
    assert re.search(DATETIME, text), "the worksheet dates its 1:1 like the meeting page"
    assert re.search(r"\$\d{1,3}(,\d{3})*\b", text) and not OTHER_DATES.search(text), OTHER_DATES.search(text)
    screenshot(page, "worksheet")


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_bad_currency_code_is_refused_beside_the_field(new_page, screenshot, width):
    page = new_page("admin", width=width)
    page.goto("/admin/settings")
    field = page.get_by_label("Currency of currency KPIs")
    assert field.input_value() == "USD"
    assert "Now: US Dollar ($)." in page.locator("#currency-hint").inner_text()
    field.fill("Dollars")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    error = page.locator("#currency-error")
    assert "“Dollars” is not a currency code" in error.inner_text()
    assert page.get_by_label("Currency of currency KPIs").input_value() == "Dollars"  # what was typed stays
    for shown in (page.get_by_label("Currency of currency KPIs"), error, page.locator("#currency-hint")):
        box = shown.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the field and its message fit the screen
    screenshot(page, "settings-error")
