"""The printable 1:1 worksheet and its PDF: what it shows, who may print it, private notes, plugin
sections, paper sizes and the page count of a typical meeting."""
import datetime
import html
import io
import os
import time
import types

import pytest
from html_checks import assert_valid_html
from markupsafe import Markup
from pypdf import PdfReader

from dualdash import WorksheetSection, hookimpl
from dualdash.coaching import agenda
from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting, PrivateNote
from dualdash.kpis import scorecards
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from dualdash.org import settings as org_settings

MEETING_AT = datetime.datetime(2026, 11, 19, 10, 0)
TODAY = datetime.date(2026, 11, 18)
WEEK = datetime.date(2026, 11, 16)  # the Monday of the meeting's week
SECRET = "Thinks about leaving; talk to HR first"
EXTRA_KPIS = [("meetings", "Meetings booked"), ("demos", "Demos given"), ("proposals", "Proposals sent"),
              ("pipeline", "Pipeline added"), ("followups", "Follow-ups made"), ("referrals", "Referrals asked")]


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def typical_meeting(org, kpis, today=TODAY):
    """8 KPIs on the member's scorecard with 13 weeks of values, 5 action items from the last 1:1,
    driver ratings, a manager's private note and a prepared agenda."""
    card = Scorecard.create(name="Added for Mo", person=org.member)
    all_kpis = [kpis.calls, kpis.revenue]
    for position, (key, name) in enumerate(EXTRA_KPIS, 1):
        kpi = KPI.create(key=key, name=name, cadence="weekly", rollup="sum")
        ScorecardKPI.create(scorecard=card, kpi=kpi, position=position)
        Benchmark.create(kpi=kpi, meets=10, exceeds=15)
        all_kpis.append(kpi)
    for i, kpi in enumerate(all_kpis):
        for week in range(13):
            start = WEEK - datetime.timedelta(weeks=12 - week)
            scale = 1000 if kpi.key == "revenue" else 1
            Measurement.create(person=org.member, kpi=kpi, period_start=start,
                               value=scale * (4 + (week * (i + 3)) % 14))
    last = Meeting.create(manager=org.manager, report=org.member, status="held",
                          scheduled_for=MEETING_AT - datetime.timedelta(days=14),
                          held_at=MEETING_AT - datetime.timedelta(days=14))
    items = ["Send the Acme proposal", "Book two demos with the new leads", "Shadow Mia on a discovery call",
             "Update the CRM for every open deal", "Read the negotiation chapter"]
    for n, description in enumerate(items):
        ActionItem.create(owner=org.member if n != 3 else org.manager, description=description, meeting=last,
                          due_date=today + datetime.timedelta(days=n - 2), status="done" if n == 0 else "open",
                          created_by=org.manager)
    DriverRating.create(person=org.member, rated_by=org.manager, driver_key="communication", score=4,
                        rated_on=today - datetime.timedelta(days=14), meeting=last)
    DriverRating.create(person=org.member, rated_by=org.member, driver_key="communication", score=5,
                        rated_on=today - datetime.timedelta(days=14), is_self=True)
    meeting = Meeting.create(manager=org.manager, report=org.member, scheduled_for=MEETING_AT)
    PrivateNote.create(meeting=meeting, author=org.manager, text=SECRET)
    AgendaItem.create(meeting=meeting, kind="talking_point", title="My holiday plans", added_by=org.member)
    agenda.prepare(meeting, scorecards.people_with_details([org.member.id])[org.member.id], today=today)
    return meeting


@pytest.fixture
def meeting(app, sample_org, sample_kpis):
    with app.test_request_context():
        return typical_meeting(sample_org, sample_kpis)


def url(meeting, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/meetings/{meeting.id}/worksheet" + (f"?{query}" if query else "")


def test_the_worksheet_shows_the_person_scorecard_agenda_drivers_and_action_items(as_manager, meeting):
    r = as_manager.get(url(meeting))
    assert r.status_code == 200
    assert_valid_html(r)
    page = text_of(r)
    assert "Mo Member" in page and "Account Executive" in page and "Ramping" in page
    assert "Week of 16 Nov 2026" in page
    # Scorecard: every KPI, its band in words, a sparkline each.
    for name in ["Calls made", "Revenue"] + [name for _, name in EXTRA_KPIS]:
        assert name in page
    assert page.count('class="sparkline"') == 8
    assert "Exceeds</span>" in page or "Fails</span>" in page or "Meets</span>" in page
    # Agenda with its coaching questions (the prepared, stored one).
    assert "Opening: how are things?" in page and "My holiday plans" in page and "proposed" not in page
    assert 'class="ws-questions"' in page
    assert "Who needed to hear from you this week" not in page or "Communication" in page
    # Drivers: the six defaults with boxes and their scale labels; the last ratings beside them.
    for driver in ["Communication", "Accountability", "Follow-through", "Preparation", "Collaboration",
                   "Leadership"]:
        assert driver in page
    assert page.count("Role model") == 6 and page.count("Not yet") >= 6
    assert "self 5" in page
    # Last meeting's action items with tick boxes; the done one ticked.
    for description in ["Send the Acme proposal", "Book two demos", "Update the CRM", "Read the negotiation"]:
        assert description in page
    assert page.count('class="box box-checked"') >= 1
    assert "Maria Manager" in page  # the owner of the manager's own action item
    # Ruled space, and no site navigation.
    assert page.count('class="ws-rule"') >= 5
    assert 'aria-label="Main"' not in page and "site-header" not in page and "<nav" not in page
    assert "worksheet.css" in page and "dualdash.css" not in page
    assert "Print this page" in page and f'href="/meetings/{meeting.id}"' in page


def test_an_unprepared_meeting_shows_the_proposed_agenda_without_storing_it(app, as_manager, sample_org,
                                                                             sample_kpis):
    with app.app_context():
        m = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=MEETING_AT)
        AgendaItem.create(meeting=m, kind="talking_point", title="Career chat", added_by=sample_org.member)
    page = text_of(as_manager.get(url(m)))
    assert "proposed: not prepared yet" in page
    assert "Opening: how are things?" in page and "Career chat" in page and "Close: commitments" in page
    assert "due for a rating" in page
    with app.app_context():
        assert AgendaItem.select().where(AgendaItem.meeting == m.id).count() == 1
        assert Meeting.get_by_id(m.id).prepared_at is None


def test_private_note_only_on_request_and_only_for_its_author(app, as_manager, as_member, login, sample_org,
                                                               meeting):
    assert SECRET not in text_of(as_manager.get(url(meeting)))
    page = text_of(as_manager.get(url(meeting, private=1)))
    assert SECRET in page and "yours alone" in page
    assert SECRET in pdf_text(as_manager.get(url(meeting, private=1, format="pdf")).data)
    # The report never gets it, whatever they ask for.
    r = as_member.get(url(meeting, private=1))
    assert r.status_code == 200 and SECRET not in text_of(r) and "private note" not in text_of(r).lower()
    member_pdf = as_member.get(url(meeting, private=1, format="pdf"))
    assert member_pdf.status_code == 200 and member_pdf.mimetype == "application/pdf"
    member_text = pdf_text(member_pdf.data)
    assert "Mo Member" in member_text and "Talk to HR" not in member_text and "leaving" not in member_text
    # Someone above the manager sees the meeting but not the manager's note.
    director = login(app.test_client(), sample_org.director)
    r = director.get(url(meeting, private=1))
    assert r.status_code == 200 and SECRET not in text_of(r)


def test_an_admin_reads_only_their_own_note_even_when_the_organization_allows_more(app, as_admin, meeting):
    with app.app_context():
        org_settings.save(org_settings.OrgSettings(admin_sees_private_notes=True))
    assert SECRET not in text_of(as_admin.get(url(meeting, private=1)))


def test_permissions(app, as_manager, as_member, login, sample_org, meeting):
    peer = login(app.test_client(), sample_org.peer)
    assert peer.get(url(meeting)).status_code == 403
    assert peer.get(url(meeting, format="pdf")).status_code == 403
    assert peer.get(f"/people/{sample_org.member.id}/worksheet").status_code == 403
    assert as_member.get(url(meeting)).status_code == 200  # their own meeting's shared part
    assert as_member.get(f"/people/{sample_org.member.id}/worksheet").status_code == 403
    assert as_manager.get("/meetings/999999/worksheet").status_code == 404
    assert as_manager.get("/people/999999/worksheet").status_code == 404
    anonymous = app.test_client().get(url(meeting))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_blank_worksheet_for_an_unscheduled_one_to_one(app, as_manager, sample_org, meeting):
    r = as_manager.get(f"/people/{sample_org.member.id}/worksheet")
    assert r.status_code == 200
    page = text_of(r)
    today = datetime.date.today()
    assert "not scheduled yet" in page and "Mo Member" in page
    assert today.strftime("%d %b %Y").lstrip("0").replace(" 0", " ") in page.replace(" 0", " ")
    assert "proposed: not prepared yet" in page and "Opening: how are things?" in page
    assert "Book two demos" in page  # open action items
    assert SECRET not in page
    with app.app_context():
        assert Meeting.select().count() == 2  # nothing stored
    r = as_manager.get(f"/people/{sample_org.member.id}/worksheet?format=pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert "worksheet-mo-member-" in r.headers["Content-Disposition"]


def test_the_pdf_of_a_typical_meeting_fits_one_or_two_pages(as_manager, meeting):
    started = time.perf_counter()
    r = as_manager.get(url(meeting, format="pdf"))
    took = time.perf_counter() - started
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == 'attachment; filename="worksheet-mo-member-2026-11-19.pdf"'
    reader = PdfReader(io.BytesIO(r.data))
    if os.environ.get("WORKSHEET_PDF_OUT"):  # to look at it: pdftoppm -png -r 60 file.pdf out
        with open(os.environ["WORKSHEET_PDF_OUT"], "wb") as out:
            out.write(r.data)
        print(f"{len(reader.pages)} pages, {len(r.data)} bytes, {took:.2f}s")
    assert 1 <= len(reader.pages) <= 2
    text = pdf_text(r.data)
    assert "Mo Member" in text and "Calls made" in text and "Role model" in text and SECRET not in text


@pytest.mark.parametrize("paper, size", [("", (595, 842)), ("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size(as_manager, meeting, paper, size):
    r = as_manager.get(url(meeting, format="pdf", **({"paper": paper} if paper else {})))
    box = PdfReader(io.BytesIO(r.data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_a_fixed_number_of_queries(app, as_manager, sample_org, meeting, count_queries):
    before = count_queries(lambda: as_manager.get(url(meeting)))
    with app.app_context():
        for n in range(6):
            ActionItem.create(owner=sample_org.member, description=f"More {n}", meeting=meeting)
            DriverRating.create(person=sample_org.member, rated_by=sample_org.manager, driver_key="leadership",
                                score=3, rated_on=TODAY - datetime.timedelta(days=n))
        AgendaItem.create(meeting=meeting, kind="custom", title="One more", position=99)
    assert count_queries(lambda: as_manager.get(url(meeting))) == before


def test_the_pdf_fetches_nothing_but_the_apps_static_files(app):
    from dualdash.coaching import pdf
    with app.test_request_context():
        fetcher = pdf.static_fetcher(app.static_folder, app.static_url_path, "http://localhost/")
        css = fetcher("http://localhost/static/worksheet.css")
        assert b"@page" in css.read() and css.content_type == "text/css"
        for refused in ["https://example.com/static/worksheet.css", "http://localhost/other.css",
                        "http://localhost/static/../app.py", "file:///etc/passwd",
                        "http://localhost/static/missing.css"]:
            with pytest.raises(ValueError):
                fetcher(refused)


def worksheet_plugin():
    module = types.ModuleType("acme_worksheet")

    @hookimpl
    def dualdash_worksheet_sections(meeting, person):
        return [WorksheetSection("Pipeline review", f"<b>Deals of {person.name}</b>"),
                WorksheetSection("Trusted", Markup("<em>Ask about the conference</em>")),
                {"title": "From a dict", "html": "plain"}]
    module.dualdash_worksheet_sections = dualdash_worksheet_sections
    return module


class TestPluginSections:
    @pytest.fixture
    def dualdash_plugins(self):
        return [worksheet_plugin()]

    def test_a_plugin_section_appears_escaped_unless_marked_safe(self, as_manager, sample_org, meeting):
        page = as_manager.get(url(meeting)).get_data(as_text=True)
        assert "Pipeline review" in page and "&lt;b&gt;Deals of Mo Member&lt;/b&gt;" in page
        assert "<em>Ask about the conference</em>" in page and "From a dict" in page
        assert "Pipeline review" in text_of(as_manager.get(f"/people/{sample_org.member.id}/worksheet"))
        assert "Pipeline review" in pdf_text(as_manager.get(url(meeting, format="pdf")).data)


def broken_plugin():
    module = types.ModuleType("broken_worksheet")

    @hookimpl
    def dualdash_worksheet_sections(meeting, person):
        raise RuntimeError("boom")
    module.dualdash_worksheet_sections = dualdash_worksheet_sections
    return module


class TestBrokenPlugin:
    @pytest.fixture
    def dualdash_plugins(self):
        return [broken_plugin()]

    def test_a_failing_plugin_is_named_and_the_worksheet_still_prints(self, as_manager, meeting):
        r = as_manager.get(url(meeting))
        assert r.status_code == 200 and "broken_worksheet" in text_of(r) and "boom" in text_of(r)
        assert as_manager.get(url(meeting, format="pdf")).status_code == 200


def test_the_note_of_a_value_is_on_the_worksheet_and_on_its_kpis_agenda_item(app, as_manager, sample_org,
                                                                            sample_kpis):
    with app.test_request_context():
        Measurement.create(person=sample_org.member, kpi=sample_kpis.revenue, period_start=WEEK, value=200,
                           note="Lost the Acme renewal to a competitor")
        meeting = Meeting.create(manager=sample_org.manager, report=sample_org.member, scheduled_for=MEETING_AT)
        agenda.prepare(meeting, scorecards.people_with_details([sample_org.member.id])[sample_org.member.id],
                       today=TODAY)
        item = AgendaItem.get((AgendaItem.meeting == meeting) & AgendaItem.source.startswith("kpi:revenue"))
    sheet = as_manager.get(url(meeting))
    assert sheet.status_code == 200
    assert_valid_html(sheet)
    body = text_of(sheet)
    assert "Note: Lost the Acme renewal to a competitor" in body           # the scorecard snapshot
    assert "Note on the value: Lost the Acme renewal to a competitor" in body  # the agenda item
    page = as_manager.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200
    assert_valid_html(page)
    item_html = text_of(page).split(f'id="item-{item.id}"', 1)[1].split("</li>", 1)[0]
    assert "Lost the Acme renewal to a competitor" in item_html
