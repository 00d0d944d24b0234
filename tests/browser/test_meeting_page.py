"""The 1:1 page in a real browser (issue 13, item 1): what is typed in several parts survives one Save,
with JavaScript and without it; leaving the page with unsaved text asks first (a script file that
only enhances); the page fits a 390 px wide phone."""
import re

from browser_tools import sign_in


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def _items(page):
    return page.get_by_role("region", name="Agenda").get_by_role("listitem").filter(
        has=page.get_by_role("textbox", name="Notes"))


def _type_and_save(page, url, tag):
    page.goto(url)
    items = _items(page)
    assert items.count() >= 2
    items.nth(0).get_by_role("textbox", name="Notes").fill(f"first item {tag}")
    items.nth(1).get_by_role("textbox", name="Notes").fill(f"second item {tag}")
    page.get_by_role("textbox", name="Shared notes").fill(f"shared {tag}")
    page.get_by_role("textbox", name="My private note").fill(f"private {tag}")
    page.get_by_label("In a word").fill(f"word-{tag}")
    items.nth(1).get_by_role("button", name="Save item").click()  # no question: it is a save
    page.wait_for_load_state()
    page.goto(url)
    items = _items(page)
    expect(items.nth(0).get_by_role("textbox", name="Notes")).to_have_value(f"first item {tag}")
    expect(items.nth(1).get_by_role("textbox", name="Notes")).to_have_value(f"second item {tag}")
    expect(page.get_by_role("textbox", name="Shared notes")).to_have_value(f"shared {tag}")
    expect(page.get_by_role("textbox", name="My private note")).to_have_value(f"private {tag}")
    expect(page.get_by_label("In a word")).to_have_value(f"word-{tag}")


def test_one_save_keeps_everything_typed_and_leaving_asks_first(new_page, demo_site):
    page = new_page("manager")
    url = f"/meetings/{demo_site.ids.notes_meeting_id}"
    _type_and_save(page, url, "with-js")
    # Unsaved text: leaving asks first; staying keeps the text.
    page.get_by_role("textbox", name="Shared notes").fill("typed, not saved")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    history = page.get_by_role("main").get_by_role("link", name=re.compile("1:1 history"))
    history.click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(url)
    expect(page.get_by_role("textbox", name="Shared notes")).to_have_value("typed, not saved")
    # A button of the page saves what was typed on its way: it does not ask.
    page.get_by_role("button", name="Worksheet", exact=True).click()
    page.wait_for_load_state()
    assert asked == ["beforeunload"] and "/worksheet" in page.url
    expect(page.get_by_text("typed, not saved")).to_be_visible()
    # Nothing changed: leaving does not ask.
    page.remove_listener("dialog", stay)
    page.goto(url)
    page.on("dialog", stay)
    history.click()
    page.wait_for_load_state()
    assert asked == ["beforeunload"] and page.url.endswith("/meetings")


def test_one_save_keeps_everything_typed_without_javascript(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "manager")
        _type_and_save(page, f"/meetings/{demo_site.ids.notes_meeting_id}", "no-js")
    finally:
        context.close()


def test_any_button_keeps_what_was_typed_without_javascript(browser, live_server, demo_site):
    """Not only Save: moving an item carries the notes typed elsewhere on the page."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "manager")
        url = f"/meetings/{demo_site.ids.notes_meeting_id}"
        page.goto(url)
        page.get_by_role("textbox", name="Shared notes").fill("typed before moving")
        _items(page).nth(0).get_by_role("button", name="Move down").click()
        page.wait_for_load_state()
        page.goto(url)
        expect(page.get_by_role("textbox", name="Shared notes")).to_have_value("typed before moving")
    finally:
        context.close()


def test_the_meeting_page_fits_a_phone(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, "manager")
        page.goto(f"/meetings/{demo_site.ids.notes_meeting_id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for name in ("Shared notes", "My private note"):
            box = page.get_by_role("textbox", name=name).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, name
        box = _items(page).nth(0).get_by_role("textbox", name="Notes").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        button = page.get_by_role("button", name="Save check-in").bounding_box()
        assert button["x"] + button["width"] <= 390
    finally:
        context.close()
