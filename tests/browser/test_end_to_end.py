"""A manager's week in a real browser (Chromium), on the demo organization served by waitress with CSRF
checks on: sign in, enter a week of KPI values, open a scorecard and a rank stack, prepare and hold a 1:1,
and print its worksheet. Elements are found by their role and accessible name, as a screen reader would."""
import io
import re

from pypdf import PdfReader


def expect(locator):
    """Playwright's ``expect`` (imported late: without Playwright the tests skip in the fixture)."""
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def pdf_pages(body):
    """The number of pages of a PDF (bytes)."""
    assert body[:5] == b"%PDF-", body[:40]
    return len(PdfReader(io.BytesIO(body)).pages)


def test_enter_a_week_of_values_in_the_grid(new_page):
    page = new_page("manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Enter values").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter values")
    grid = page.get_by_role("table")
    # Value cells are number inputs (spin buttons); the notes stay folded away.
    cells = grid.get_by_role("spinbutton")
    count = cells.count()
    assert count >= 10, f"the grid shows only {count} value cells"
    typed = {}
    for index in range(count):
        cell = cells.nth(index)
        typed[cell.get_attribute("aria-label")] = value = str(10 + index)
        cell.fill(value)
    page.get_by_role("button", name="Save all values").click()
    expect(page.get_by_role("status")).to_contain_text("Saved:")
    # The values are shown again, read back from the database, each in the cell it was typed into.
    for label, value in typed.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)


def test_open_a_scorecard_and_a_rank_stack(new_page, demo_site):
    page = new_page("manager")
    name = demo_site.ids.member_name
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    page.get_by_role("main").get_by_role("link", name=re.compile("scorecard", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    scorecard = page.get_by_role("table").first
    expect(scorecard).to_be_visible()
    # Bands are written in words, not only shown in colour.
    expect(scorecard).to_contain_text(re.compile("Fails|Meets|Exceeds"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rank stacks").click()
    kpi = demo_site.ids.kpi_name
    page.get_by_role("link", name=kpi, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(kpi)
    ranking = page.get_by_role("table").first
    expect(ranking).to_be_visible()
    assert ranking.get_by_role("row").count() > 3


def test_prepare_and_hold_a_one_to_one_and_print_its_worksheet(new_page, demo_site):
    page = new_page("manager")
    report = demo_site.ids.e2e_report_name
    page.get_by_role("navigation", name="Main").get_by_role("link", name="1:1s").click()
    led = page.get_by_role("region", name="1:1s I lead")
    # Tomorrow's 1:1s are the upcoming ones; open the one with this report.
    led.get_by_role("row").filter(has_text=report).first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(report)

    # Opened within two days of the meeting, the agenda is prepared from the report's data.
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda.get_by_role("listitem").first).to_be_visible()
    assert agenda.get_by_role("heading", level=3).count() >= 2

    note = "Talked through the pipeline; next step: two demos this week."
    page.get_by_role("textbox", name="Shared notes").fill(note)
    page.get_by_role("button", name="Save shared notes").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("textbox", name="Shared notes")).to_have_value(note)

    page.get_by_role("button", name="Mark held").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("button", name="Mark held")).to_have_count(0)
    # The meeting's facts: When, Status, Report, Manager.
    expect(page.get_by_role("definition").nth(1)).to_contain_text("Held")

    page.get_by_role("button", name="Worksheet", exact=True).click()  # saves what was typed, then goes
    expect(page.get_by_text(note)).to_be_visible()
    printed = page.pdf(prefer_css_page_size=True)
    assert 1 <= pdf_pages(printed) <= 2
    # The app's own PDF (WeasyPrint) fits as well.
    response = page.request.get(page.url + "?format=pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert 1 <= pdf_pages(response.body()) <= 2
