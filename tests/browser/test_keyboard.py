"""Everything works without a mouse: signing in, entering values and adding a talking point with the
keyboard alone, and the focused element is always visibly marked."""
import re

from browser_tools import REPO, SIGN_INS

from dualdash.demo.organization import DEMO_PASSWORD

#: Tab presses allowed to reach a control; a page needing more is a page nobody can use by keyboard.
TAB_LIMIT = 300

FOCUSED = "el => el === document.activeElement"


def expect(locator):
    """Playwright's ``expect`` (imported late: without Playwright the tests skip in the fixture)."""
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def tab_to(page, locator, limit=TAB_LIMIT):
    """Press Tab until ``locator`` has the focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate(FOCUSED):
            return presses
    raise AssertionError(f"{locator} was not reached in {limit} presses of Tab")


def test_the_stylesheet_marks_keyboard_focus():
    css = (REPO / "dualdash" / "static" / "dualdash.css").read_text()
    assert re.search(r":focus-visible\s*{[^}]*outline:\s*\d", css), "no visible :focus-visible outline"


def test_sign_in_with_the_keyboard_alone(new_page):
    page = new_page()
    page.goto("/login")
    # The first stop is the link that skips to the content, shown once focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate(FOCUSED)
    expect(skip).to_be_in_viewport()
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(SIGN_INS["member"])
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(DEMO_PASSWORD)
    tab_to(page, page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "/login" not in page.url


def test_enter_values_with_the_keyboard_alone(new_page):
    page = new_page("manager")
    page.goto("/measurements/grid")
    cell = page.get_by_role("table").get_by_role("spinbutton").first
    label = cell.get_attribute("aria-label")
    tab_to(page, cell)
    page.keyboard.press("Control+A")
    page.keyboard.type("42")
    tab_to(page, page.get_by_role("button", name="Save all values"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved:")
    expect(page.get_by_label(label, exact=True)).to_have_value("42")


def test_add_a_talking_point_with_the_keyboard_alone(new_page, demo_site):
    page = new_page("member")
    page.goto(f"/meetings/{demo_site.ids.meeting_id}")
    tab_to(page, page.get_by_role("textbox", name="Item"))
    page.keyboard.type("Training budget for next quarter")
    tab_to(page, page.get_by_role("button", name="Add a talking point"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Agenda").get_by_role("heading", name="Training budget for next quarter")
           ).to_be_visible()


# The styles that can show focus; any of them must differ between focused and not.
FOCUS_STYLES = """el => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.textDecorationLine]
    .join(' | '); }"""


def test_focus_is_always_visible(new_page, demo_site):
    """Tab through a busy page (the 1:1, as its manager): every element that takes the focus looks
    different while it has it."""
    page = new_page("manager")
    page.goto(f"/meetings/{demo_site.ids.meeting_id}")
    seen, invisible = 0, []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if focused.evaluate("el => el === document.body"):
            break
        with_focus = focused.evaluate(FOCUS_STYLES)
        description = focused.evaluate("el => el.outerHTML.slice(0, 120)")
        focused.evaluate("el => el.blur()")
        without_focus = focused.evaluate(FOCUS_STYLES)
        if with_focus == without_focus:
            invisible.append(description)
        # Back to where the keyboard was, so the next Tab goes on from there.
        focused.evaluate("el => el.focus()")
        seen += 1
    assert seen >= 30, f"only {seen} elements took the focus"
    assert not invisible, "no visible focus on:\n" + "\n".join(invisible)
