"""Every page at home on a phone: at 390 px wide no main page scrolls sideways (wide tables and charts
scroll inside their own box instead), chart text stays readable, and the main menu folds into a button
that works by keyboard and without JavaScript. Screenshots of the key pages at both widths are kept."""
from browser_tools import SIGN_INS
from conftest import DESKTOP, PHONE

from dualdash.demo.organization import DEMO_PASSWORD

#: The smallest chart text a phone may show, in CSS pixels (the height of its box on the screen).
READABLE_TEXT_PX = 10
#: The pages kept as screenshots at both widths: (role, name, path, given the demo's ids).
KEY_PAGES = [
    ("manager", "team-scorecard", lambda ids: f"/teams/{ids.team_id}/scorecard"),
    ("member", "person-scorecard", lambda ids: f"/people/{ids.member_id}/scorecard"),
    ("member", "rank-stack", lambda ids: f"/rank-stacks/{ids.kpi_key}"),
    ("manager", "results-drivers", lambda ids: f"/teams/{ids.team_id}/results-drivers"),
    ("manager", "meeting", lambda ids: f"/meetings/{ids.meeting_id}"),
    ("admin", "admin-people", lambda ids: "/admin/people/"),
]

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def expect(locator):
    """Playwright's ``expect`` (imported late: without Playwright the tests skip in the fixture)."""
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def test_no_main_page_scrolls_sideways_on_a_phone(main_pages, new_page):
    too_wide = []
    for role in (None, "admin", "manager", "member"):
        pages = main_pages.for_role(role)
        assert pages, f"no page to check for {role}"
        page = new_page(role, width=PHONE)
        for checked in pages:
            page.goto(checked.path)
            width = page.evaluate(PAGE_WIDTH)
            if width > PHONE:
                too_wide.append(f"{role or 'anonymous'}: {checked.name} {checked.path} is {width} px wide")
    assert not too_wide, f"{len(too_wide)} pages scroll sideways at {PHONE} px:\n" + "\n".join(too_wide)


def test_chart_text_stays_readable_on_a_phone(demo_site, new_page, screenshot):
    ids = demo_site.ids
    page = new_page("manager", width=PHONE)
    for path, chart in ((f"/rank-stacks/{ids.kpi_key}", ".bar-chart"),
                        (f"/teams/{ids.team_id}/results-drivers", ".quadrant-chart"),
                        (f"/people/{ids.member_id}/drivers", ".driver-trend")):
        page.goto(path)
        assert page.evaluate(PAGE_WIDTH) <= PHONE, f"{path} scrolls sideways"
        texts = page.locator(f"svg{chart} text")
        assert texts.count(), f"no chart on {path}"
        heights = texts.evaluate_all("els => els.map(el => el.getBoundingClientRect().height)")
        smallest = min(h for h in heights if h > 0)
        assert smallest >= READABLE_TEXT_PX, f"chart text on {path} is {smallest:.1f} px tall"
        # Wider than the screen, the chart scrolls in its own box, which a keyboard can reach.
        box = page.locator(f".chart-scroll:has(svg{chart})").first
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")
        focusable = box.evaluate("el => el.tabIndex >= 0 || !!el.querySelector('a[href]')")
        assert focusable, f"the chart box on {path} cannot be scrolled by keyboard"
    screenshot(page, "driver-trend")


def test_the_menu_folds_on_a_phone_and_opens_by_keyboard(new_page, screenshot):
    page = new_page("manager", width=PHONE)
    page.goto("/")
    menu = page.locator("nav[aria-label=Main] summary")
    people = page.locator("nav[aria-label=Main]").get_by_role("link", name="People", exact=True)
    expect(menu).to_be_visible()
    expect(people).to_be_hidden()
    screenshot(page, "menu-closed")
    # The menu button is reached by Tab and announced as a button that is collapsed, then expanded.
    for _ in range(10):
        page.keyboard.press("Tab")
        if menu.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the menu button was not reached by Tab")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(people).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= PHONE
    screenshot(page, "menu-open")
    page.keyboard.press("Tab")
    expect(page.locator("nav[aria-label=Main] a").first).to_be_focused()
    menu.focus()
    page.keyboard.press("Enter")
    expect(people).to_be_hidden()


def test_the_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": PHONE, "height": 900},
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(SIGN_INS["member"])
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/login" not in page.url
        nav = page.locator("nav[aria-label=Main]")
        link = nav.get_by_role("link", name="Action items")
        expect(link).to_be_hidden()
        nav.locator("summary").click()
        expect(link).to_be_visible()
        link.click()
        page.wait_for_load_state()
        assert page.url.endswith("/action-items/")
    finally:
        context.close()


def test_the_whole_menu_shows_at_desktop_width_without_a_button(new_page):
    page = new_page("admin", width=DESKTOP)
    page.goto("/")
    nav = page.locator("nav[aria-label=Main]")
    expect(nav.locator("summary")).to_be_hidden()
    for name in ("Home", "1:1s", "People", "Rank stacks", "Admin"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()


def test_no_menu_button_on_paper(new_page):
    page = new_page("manager", width=PHONE)
    page.goto("/")
    page.emulate_media(media="print")
    expect(page.locator("nav[aria-label=Main] summary")).to_be_hidden()


def test_key_pages_at_both_widths(demo_site, new_page, screenshot):
    for role, name, path in KEY_PAGES:
        for width in (DESKTOP, PHONE):
            page = new_page(role, width=width)
            page.goto(path(demo_site.ids))
            assert page.evaluate(PAGE_WIDTH) <= width, f"{name} scrolls sideways at {width} px"
            screenshot(page, name)
            page.context.close()
