"""Every main page, as each demo role sees it, is valid HTML: the Nu HTML Checker (``vnu.jar`` from the npm
package vnu-jar, run with the machine's Java) finds no error. The pages come from the Flask test client;
no browser is needed."""
import json
import re
import subprocess

from browser_tools import VNU_JAR, require_tools
from main_pages import NOT_PAGES, error_state_pages

#: The checker starts a Java VM once for all the pages; it takes seconds, this is only a safety net.
VNU_TIMEOUT_SECONDS = 600


def test_every_page_is_checked(main_pages):
    """Every GET route gives some role a page (or is a redirect), with its URL filled from the demo —
    or is listed in ``NOT_PAGES`` with the reason. A new page is checked without being added by hand."""
    assert not main_pages.unfilled, (
        "give these URL arguments a demo value in main_pages.route_values or ENDPOINT_VALUES (or list the "
        f"route in NOT_PAGES with a reason): {main_pages.unfilled}")
    assert not main_pages.broken, f"these pages fail (role, status or error): {main_pages.broken}"
    assert not main_pages.unseen, (
        f"no demo role sees these routes (statuses by role): {main_pages.unseen}; fill their URLs with objects "
        "the demo admin, manager or member may open")
    assert "static" in NOT_PAGES
    roles = {page.role for page in main_pages.pages}
    assert roles == {None, "admin", "manager", "member"}, roles


def _file_name(number, page):
    slug = re.sub(r"[^a-z0-9]+", "-", f"{page.role or 'anonymous'} {page.name}".lower()).strip("-")
    return f"{number:03d}-{slug}.html"


def test_main_pages_are_valid_html(main_pages, site_clients, tmp_path):
    require_tools("vnu")
    pages = main_pages.pages + error_state_pages(site_clients)
    files = {}
    for number, page in enumerate(pages, start=1):
        path = tmp_path / _file_name(number, page)
        path.write_text(page.html, encoding="utf-8")
        files[path.resolve().as_uri().replace("file:///", "file:/")] = page
    # One Java VM for all the pages: starting it is most of the time.
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                             *[str(tmp_path / name) for name in sorted(p.name for p in tmp_path.iterdir())]],
                            capture_output=True, text=True, timeout=VNU_TIMEOUT_SECONDS)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"the Nu HTML Checker gave no report (exit status {result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}") from None
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error", "fatal")]
    if errors:
        lines = []
        for message in errors:
            page = files.get(message.get("url"))
            where = f"{page.role or 'anonymous'}: {page.name} {page.path}" if page else message.get("url")
            extract = " ".join(message.get("extract", "").split())
            lines.append(f"{where} line {message.get('lastLine')}: {message.get('message')}\n    {extract}")
        raise AssertionError(f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(lines))
    assert result.returncode == 0, result.stderr
    assert len(pages) > 50, f"only {len(pages)} pages were checked"
