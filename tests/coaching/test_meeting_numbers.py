"""The numbers on the 1:1 page (issue 14, item 2): the report's scorecard, drivers and skills beside the
agenda, every figure the worksheet prints, a KPI's agenda item with its value inline, the last 1:1
folded, a fixed number of queries whatever the number of KPIs, and only for who may see the report."""
import datetime
import html
import re

import pytest
from html_checks import assert_valid_html
from test_worksheet import EXTRA_KPIS, MEETING_AT, WEEK, typical_meeting

from dualdash.coaching import agenda
from dualdash.coaching.models import AgendaItem, DriverRating, Meeting, RoleSkill, SkillExpectation
from dualdash.kpis import scorecards
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI

NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
TAGS = re.compile(r"<[^>]+>")


def numbers_in(fragment):
    """The numbers written in an HTML fragment, as they read ("5,054", "10:00", "19")."""
    return set(NUMBER.findall(html.unescape(TAGS.sub(" ", fragment))))


def part(page, start, end):
    """The HTML of ``page`` from the first ``start`` to the next ``end``."""
    after = page.split(start, 1)[1]
    return after.split(end, 1)[0]


def rows_by_heading(table):
    """``{row heading text: row HTML}`` of a table's body rows."""
    found = {}
    for row in re.findall(r"<tr>.*?</tr>", table, re.S):
        heading = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if heading:
            found[html.unescape(TAGS.sub("", heading.group(1))).split("Note:")[0].strip()] = row
    return found


@pytest.fixture
def meeting(app, sample_org, sample_kpis):
    with app.test_request_context():
        found = typical_meeting(sample_org, sample_kpis)
        # A note with a value: the worksheet prints it, so the page must too.
        Measurement.update(note="Two deals slipped to December").where(
            (Measurement.person == sample_org.member.id) & (Measurement.kpi == sample_kpis.calls.id)
            & (Measurement.period_start == WEEK)).execute()
        return found


def test_the_page_shows_every_number_the_worksheet_prints(as_manager, meeting):
    sheet = as_manager.get(f"/meetings/{meeting.id}/worksheet").get_data(as_text=True)
    response = as_manager.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    assert_valid_html(response)
    page = response.get_data(as_text=True)
    panel = part(page, '<aside class="meeting-numbers"', "</aside>")
    # Row by row: each KPI's value, band, line and note; each driver's latest ratings.
    printed = rows_by_heading(part(sheet, 'id="ws-scorecard"', "</table>"))
    shown = rows_by_heading(part(panel, 'class="meeting-scorecard"', "</table>"))
    assert set(printed) == set(shown) == {"Calls made", "Revenue", *(name for _, name in EXTRA_KPIS)}
    for name, row in printed.items():
        assert numbers_in(row) <= numbers_in(shown[name]), name
        for word in ("Fails", "Meets", "Exceeds"):
            assert (f">{word}</span>" in row) == (f">{word}</span>" in shown[name]), (name, word)
    assert "Two deals slipped to December" in printed["Calls made"] + shown["Calls made"]
    assert "Two deals slipped to December" in shown["Calls made"]
    drivers = part(sheet, 'id="ws-drivers"', "</table>")
    drivers = re.sub(r'<ul class="ws-scale">.*?</ul>', "", drivers, flags=re.S)  # the boxes to tick
    printed = rows_by_heading(drivers)
    shown = rows_by_heading(part(panel, 'class="meeting-drivers"', "</table>"))
    assert set(printed) == set(shown) and len(printed) == 6
    for name, row in printed.items():
        assert numbers_in(row) <= numbers_in(shown[name]), name
    assert "5 — Role model" in shown["Communication"] and "4 — Consistently" in shown["Communication"]
    # And the whole sheet: dates, times, the last 1:1, due dates, counts.
    sheet_main = part(sheet, '<main class="worksheet">', "</main>")
    sheet_main = re.sub(r'<ul class="ws-scale">.*?</ul>', "", sheet_main, flags=re.S)
    sheet_main = re.sub(r'<p class="ws-checkin">.*?</p>', "", sheet_main, flags=re.S)  # 1 to 5 boxes
    sheet_main = re.sub(r'<span class="ws-num"[^>]*>.*?</span>', "", sheet_main)  # the page's list numbers them
    missing = numbers_in(sheet_main) - numbers_in(part(page, "<main", "</main>"))
    assert not missing, f"printed on the worksheet, not on the 1:1 page: {sorted(missing)}"


def test_a_kpi_item_shows_its_value_band_and_trend_inline(app, as_manager, meeting):
    page = as_manager.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    with app.app_context():
        items = [i for i in AgendaItem.select().where(AgendaItem.meeting == meeting.id) if agenda.kpi_key(i)]
    assert items, "the typical meeting has KPI items"
    for item in items:
        body = part(page, f'<li id="item-{item.id}"', "</li>")
        inline = part(body, 'class="meeting-kpi-inline"', "</p>")
        assert re.search(r"<strong>[$€£]?[\d,.]+%?</strong>", inline)
        assert re.search(r'class="band band-(fails|meets|exceeds)">(Fails|Meets|Exceeds)<', inline)
        assert 'class="sparkline"' in inline and "Meets " in inline
    others = part(page, 'class="agenda-items"', "</ol>").count('class="meeting-kpi-inline"')
    assert others == len(items)  # and no other item


def test_skills_and_the_last_one_to_one(app, as_manager, sample_org, meeting):
    with app.app_context():
        skill = RoleSkill.create(role=sample_org.roles.ae, key="discovery", name="Discovery calls", position=1)
        SkillExpectation.create(skill=skill, level=sample_org.member.level_id, proficiency=3)
        Meeting.update(shared_notes="Agreed to try a new opener").where(
            (Meeting.report == sample_org.member.id) & (Meeting.status == "held")).execute()
    page = html.unescape(as_manager.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    skills = part(page, 'class="meeting-skills"', "</table>")
    assert "Discovery calls" in skills and "not assessed (3 short)" in skills
    assert "1 skill short of what the level expects" in page
    last = part(page, '<details class="meeting-fold meeting-last">', "</details>")
    assert "Last 1:1: 5 Nov 2026 · 5 action items" in last
    assert "Agreed to try a new opener" in last and "Send the Acme proposal" in last and "· done" in last


def test_the_report_sees_their_numbers_a_former_manager_does_not(app, login, sample_org, sample_kpis, meeting):
    member = login(app.test_client(), sample_org.member)
    assert 'class="meeting-numbers"' in member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    with app.app_context():
        # A 1:1 led by someone who is not above the report (say, before the report moved teams).
        other = Meeting.create(manager=sample_org.peer, report=sample_org.member, scheduled_for=MEETING_AT)
    peer = login(app.test_client(), sample_org.peer)
    response = peer.get(f"/meetings/{other.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="meeting-numbers"' not in page and "Revenue" not in page
    # Nor does the worksheet print them for the former manager; the report's own still does.
    sheet = peer.get(f"/meetings/{other.id}/worksheet").get_data(as_text=True)
    assert "Revenue" not in sheet and "no longer reports to you" in sheet
    assert "Revenue" in member.get(f"/meetings/{other.id}/worksheet").get_data(as_text=True)
    # Preparing the agenda draws nothing from the numbers either.
    assert peer.post(f"/meetings/{other.id}/prepare").status_code == 302
    with app.app_context():
        titles = [i.title for i in AgendaItem.select().where(AgendaItem.meeting == other.id)]
    assert titles == ["Opening: how are things?", "Close: commitments until next time"]


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_number_of_kpis(app, as_manager, sample_org,
                                                                             sample_kpis, count_queries):
    with app.app_context():
        m = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=MEETING_AT)
        report = scorecards.people_with_details([sample_org.member.id])[sample_org.member.id]
        agenda.prepare(m, report, today=MEETING_AT.date())
    as_manager.get(f"/meetings/{m.id}")  # warm: the first request loads settings and plugins
    few = count_queries(lambda: as_manager.get(f"/meetings/{m.id}"))
    with app.app_context():
        card = Scorecard.create(name="More for Mo", person=sample_org.member)
        for n in range(8):
            kpi = KPI.create(key=f"extra{n}", name=f"Extra {n}", cadence="weekly", rollup="sum")
            ScorecardKPI.create(scorecard=card, kpi=kpi, position=n)
            Benchmark.create(kpi=kpi, meets=5, exceeds=9)
            for week in range(6):
                Measurement.create(person=sample_org.member, kpi=kpi, value=n + week,
                                   period_start=WEEK - datetime.timedelta(weeks=week))
            AgendaItem.create(meeting=m, kind="kpi", title=f"Extra {n}: now Meets", source=f"kpi:extra{n}:meets",
                              position=20 + n)
        for key in ("communication", "leadership"):
            DriverRating.create(person=sample_org.member, rated_by=sample_org.manager, driver_key=key, score=3,
                                rated_on=MEETING_AT.date())
        for n in range(4):
            skill = RoleSkill.create(role=sample_org.roles.ae, key=f"skill{n}", name=f"Skill {n}", position=n)
            SkillExpectation.create(skill=skill, level=sample_org.member.level_id, proficiency=2)
    many = count_queries(lambda: as_manager.get(f"/meetings/{m.id}"))
    page = as_manager.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert page.count('class="meeting-kpi-inline"') >= 8 and "Skill 3" in page
    assert many == few, f"{few} queries with 2 KPIs, {many} with 10"
