"""What the browser, accessibility and HTML checks need, and whether it is there (see conftest.py)."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dualdash.demo.organization import DEMO_PASSWORD, SIGN_INS

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = REPO / "test-artifacts"
#: Screenshots the browser tests keep on purpose (at both widths), also when they pass.
SCREENS = ARTIFACTS / "screens"
#: Set (to 1) where the tools are installed and must be used: CI.
REQUIRE_ENV = "DUALDASH_REQUIRE_BROWSER"
#: The Chromium to drive; Debian's package puts it here.
CHROMIUM = os.environ.get("DUALDASH_CHROMIUM") or "/usr/bin/chromium"
# Playwright cannot download its own browser builds here: it drives the system's Chromium, kept quiet.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROLES = ("admin", "manager", "member")


#: How long installing the checkers from the committed lock may take, in seconds.
NPM_CI_SECONDS = 300
_npm_ci_tried = []


def install_checkers():
    """Install axe-core and vnu-jar from package-lock.json (``npm ci``) when they are missing and npm is
    there, once per test run, so that the README's test command runs these checks on a fresh machine.

    No install scripts: vnu-jar's would download a Java runtime; the machine's Java is used. Returns why
    it failed, or None."""
    if (AXE_SCRIPT.is_file() and VNU_JAR.is_file()) or not shutil.which("npm"):
        return None
    if not _npm_ci_tried:
        command = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
        try:
            done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=NPM_CI_SECONDS)
            _npm_ci_tried.append(None if done.returncode == 0 else done.stderr.strip()[-500:])
        except (OSError, subprocess.TimeoutExpired) as exc:
            _npm_ci_tried.append(str(exc))
    return _npm_ci_tried[0]


def missing_tools(*needs):
    """What is missing for ``needs`` ("browser", "axe", "vnu"), in words; empty when all is there."""
    missing = []
    problem = install_checkers() if {"axe", "vnu"} & set(needs) else None
    if "browser" in needs:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing.append("Playwright for Python (pip install -e \".[test]\")")
        if not os.access(CHROMIUM, os.X_OK):
            missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium, or set DUALDASH_CHROMIUM)")
    hint = f"npm ci failed: {problem}" if problem else "run npm ci at the top of the checkout"
    if "axe" in needs and not AXE_SCRIPT.is_file():
        missing.append(f"axe-core ({hint})")
    if "vnu" in needs:
        if not shutil.which("java"):
            missing.append("Java (the Nu HTML Checker runs on it)")
        if not VNU_JAR.is_file():
            missing.append(f"the Nu HTML Checker, vnu-jar ({hint})")
    return missing


def require_tools(*needs):
    """Skip the test when a tool it needs is missing, or fail it when they are required (CI)."""
    missing = missing_tools(*needs)
    if not missing:
        return
    reason = "missing: " + "; ".join(missing)
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: these checks must run)", pytrace=False)
    pytest.skip(reason)


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html):
    """The CSRF token of the first form on a page."""
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(page, role):
    """Sign ``page`` in as the demo's ``role`` through the sign-in form."""
    page.goto("/login")
    page.get_by_label("Email").fill(SIGN_INS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"the demo {role} could not sign in"


