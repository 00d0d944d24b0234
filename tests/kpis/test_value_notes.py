"""Notes entered with values are shown where the values are read: a person's scorecard (marked "note",
its text in the page), a team's grid (in a <details>, readable without a mouse) and rolled up views."""
import datetime
import re

import pytest
from html_checks import assert_valid_html

from dualdash.kpis.models import Measurement

D = datetime.date
W46, W47 = D(2025, 11, 10), D(2025, 11, 17)
NOTE = "Two days off sick; the calls were moved to next week"


def text(response):
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def noted(app, sample_org, sample_kpis):
    o, k = sample_org, sample_kpis
    Measurement.create(person=o.member, kpi=k.calls, period_start=W47, value=3, note=NOTE)
    Measurement.create(person=o.member, kpi=k.revenue, period_start=W47, value=900)
    Measurement.create(person=o.member, kpi=k.calls, period_start=W46, value=7, note="Trade fair")
    return o, k


def test_the_person_scorecard_shows_the_note_of_a_value(as_manager, noted):
    o, _ = noted
    page = as_manager.get(f"/people/{o.member.id}/scorecard?period=2025-W47")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "note</span>" in html
    assert NOTE in text(page)
    # Not only in a title attribute: the text is the page's own.
    assert f'title="{NOTE}' not in html


def test_a_monthly_view_shows_the_notes_of_the_weeks_inside_it(as_manager, noted):
    o, _ = noted
    page = as_manager.get(f"/people/{o.member.id}/scorecard?period=2025-11&cadence=monthly")
    assert page.status_code == 200
    body = text(page)
    assert "Trade fair" in body and NOTE in body


def test_the_team_grid_shows_the_note_in_a_details(as_manager, noted):
    o, _ = noted
    page = as_manager.get(f"/teams/{o.teams.sales.id}/scorecard?period=2025-W47")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert re.search(r"<details class=\"value-note\"><summary>note</summary>\s*" + re.escape(NOTE), html)
    # Only the cell with a note has one.
    assert html.count('<details class="value-note">') == 1
