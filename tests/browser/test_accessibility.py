"""No serious or critical accessibility problem on any main page, as each demo role sees it: axe-core
(the npm package) runs inside Chromium on every page that ``main_pages`` finds."""
import pytest
from browser_tools import AXE_SCRIPT, require_tools

#: The impacts that fail the test; axe's "minor" and "moderate" findings are left to judgement.
FAILING_IMPACTS = ("serious", "critical")
#: The nodes shown per violation when the test fails (the rest are counted).
NODES_SHOWN = 5


def axe_violations(page):
    """Run axe-core on ``page`` as it stands (see ``with_axe``); its violations (dicts as axe reports them)."""
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def with_axe(page):
    """Inject axe-core into every page ``page`` opens from now on. (An init script rather than a script
    tag added after each load: the browser compiles it once, which halves the time of these tests.)"""
    page.context.add_init_script(path=str(AXE_SCRIPT))
    return page


def describe(where, violation):
    """A violation in words: the rule, its help, and the elements that break it."""
    nodes = violation["nodes"]
    lines = [f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in nodes[:NODES_SHOWN]:
        summary = " ".join((node.get("failureSummary") or "").split())
        lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
    if len(nodes) > NODES_SHOWN:
        lines.append(f"    … and {len(nodes) - NODES_SHOWN} more")
    return "\n".join(lines)


@pytest.mark.parametrize("role", [None, "admin", "manager", "member"], ids=lambda r: r or "anonymous")
def test_main_pages_have_no_serious_accessibility_problems(role, main_pages, new_page):
    require_tools("browser", "axe")
    page = with_axe(new_page(role, bypass_csp=True))
    pages = main_pages.for_role(role)
    assert pages, f"no page to check for {role}"
    problems = []
    for checked in pages:
        response = page.goto(checked.path)
        assert response.status == checked.status, f"{checked.path} answered {response.status} in the browser"
        where = f"{role or 'anonymous'}: {checked.name} {checked.path}"
        problems += [describe(where, v) for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(problems)


def test_a_form_shown_again_with_errors_has_no_serious_accessibility_problems(new_page):
    require_tools("browser", "axe")
    page = with_axe(new_page(bypass_csp=True))
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect_error = page.get_by_text("do not match")
    assert expect_error.count() == 1, "the sign-in page does not say why"
    problems = [describe("anonymous: sign-in with a wrong password", v) for v in axe_violations(page)
                if v["impact"] in FAILING_IMPACTS]
    assert not problems, "\n".join(problems)
