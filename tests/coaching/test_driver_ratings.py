"""Driver ratings: a manager rates a report on each driver's own scale, the person self-rates and sees
both side by side, history and trend (SVG), permissions, validation, 1:1 links, plugin scales, the
results × drivers view, and a fixed number of queries."""
import datetime
import json
import re
import types
import xml.etree.ElementTree as ET

import pytest
from html_checks import assert_valid_html

from dualdash import hookimpl
from dualdash.charts.driver_trend import TrendPoint, driver_trend
from dualdash.coaching import driver_ratings
from dualdash.coaching.models import DriverRating, Meeting
from dualdash.org.audit import AuditLog
from dualdash.plugins.types import Driver, ScalePoint
from dualdash.shared.formats import date_text

SVG = re.compile(r"<svg.*?</svg>", re.S)
NS = "{http://www.w3.org/2000/svg}"
TODAY = datetime.date.today()


def url(person, meeting=None):
    return f"/people/{person.id}/drivers" + (f"?meeting={meeting.id}" if meeting else "")


def rate(person, by, score, driver="communication", on=None, is_self=False, comment=""):
    return DriverRating.create(person=person, rated_by=by, driver_key=driver, score=score, comment=comment,
                               rated_on=on or TODAY, is_self=is_self)


def ratings(app):
    with app.app_context():
        return list(DriverRating.select().order_by(DriverRating.id))


def svgs(html):
    """The trend charts of a drivers page by id (the summary's sparklines have none)."""
    return {m.group(0).split('id="', 1)[1].split("-title", 1)[0]: ET.fromstring(m.group(0))
            for m in SVG.finditer(html) if "sparkline" not in m.group(0).split(">", 1)[0]}


# --- rating by a manager -------------------------------------------------------------------------


def test_manager_rates_a_report_on_the_scale(app, sample_org, as_manager):
    org = sample_org
    page = as_manager.get(url(org.member))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert_valid_html(page)
    assert "Rate Mo Member" in html and "— not rated this time —" in html
    assert '<option value="5">5 — Role model</option>' in html
    assert "Not rated yet." in html

    # The lowest and highest points of the scale are both accepted.
    r = as_manager.post(url(org.member), data={"score_communication": "1", "comment_communication": "Quiet week",
                                               "score_leadership": "5", "score_preparation": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith(url(org.member))
    saved = ratings(app)
    assert [(s.driver_key, s.score, s.comment, s.is_self, s.rated_by_id, s.person_id, s.rated_on, s.meeting_id)
            for s in saved] == [
        ("communication", 1, "Quiet week", False, org.manager.id, org.member.id, TODAY, None),
        ("leadership", 5, "", False, org.manager.id, org.member.id, TODAY, None)]
    with app.app_context():
        entries = list(AuditLog.select().where(AuditLog.object_type == "DriverRating").order_by(AuditLog.id))
    # One entry per rating, each naming its row.
    assert len(entries) == 2 and all(e.actor_id == org.manager.id and e.action == "create" for e in entries)
    afters = [json.loads(e.after) for e in entries]
    assert all(a["person"] == org.member.id and a["is_self"] is False for a in afters)
    assert [a["score"] for a in afters] == [1, 5]
    assert [e.object_id for e in entries] == [str(s.id) for s in saved]

    html = as_manager.get(url(org.member)).get_data(as_text=True)
    assert "Saved 2 ratings for Mo Member." in html
    assert "1 — Not yet" in html and "5 — Role model" in html and "Quiet week" in html


@pytest.mark.parametrize("score", ["0", "6", "3.5", "three"])
def test_a_score_off_the_scale_is_400_and_nothing_is_written(app, sample_org, as_manager, score):
    r = as_manager.post(url(sample_org.member), data={"score_communication": score,
                                                      "score_leadership": "4", "comment_leadership": "Keep me"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert_valid_html(r)
    assert "is not on the scale of Communication: choose from 1 (Not yet) to 5 (Role model)" in html
    assert 'id="score_communication-error"' in html  # beside the field
    assert "Nothing was saved" in html and "Keep me" in html  # what was typed is kept
    assert ratings(app) == []
    with app.app_context():
        assert AuditLog.select().where(AuditLog.object_type == "DriverRating").count() == 0


def test_unknown_driver_nothing_rated_and_long_comment_are_400(app, sample_org, as_manager):
    r = as_manager.post(url(sample_org.member), data={"score_telepathy": "3", "score_leadership": "4"})
    assert r.status_code == 400 and "There is no Performance Driver “telepathy”" in r.get_data(as_text=True)
    r = as_manager.post(url(sample_org.member), data={"score_leadership": ""})
    assert r.status_code == 400 and "Choose a rating for at least one driver." in r.get_data(as_text=True)
    r = as_manager.post(url(sample_org.member), data={"score_leadership": "4", "comment_leadership": "x" * 2001})
    assert r.status_code == 400 and "Keep the comment to 2000 characters." in r.get_data(as_text=True)
    r = as_manager.post(url(sample_org.member), data={"comment_leadership": "A comment without a rating"})
    assert r.status_code == 400 and "to go with the comment" in r.get_data(as_text=True)
    assert ratings(app) == []
    r = as_manager.post(url(sample_org.member), data={"score_leadership": "4", "comment_leadership": "x" * 2000})
    assert r.status_code == 302 and len(ratings(app)) == 1


# --- self-rating and who may do what --------------------------------------------------------------


def test_member_self_rates_and_sees_both_side_by_side(app, sample_org, as_member):
    org = sample_org
    with app.app_context():
        rate(org.member, org.manager, 4, comment="Clear weekly updates", on=TODAY - datetime.timedelta(days=3))
    page = as_member.get(url(org.member))
    html = page.get_data(as_text=True)
    assert "Rate yourself" in html and "Save my self-rating" in html
    r = as_member.post(url(org.member), data={"score_communication": "3", "comment_communication": "Could be earlier"})
    assert r.status_code == 302
    saved = ratings(app)[-1]
    assert (saved.is_self, saved.rated_by_id, saved.score) == (True, org.member.id, 3)
    page = as_member.get(url(org.member))
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    section = html.split('id="drv-communication"', 1)[1].split("</section>", 1)[0]
    manager_part, self_part = section.split("driver-latest-self", 1)
    assert "Manager’s rating" in manager_part and "4 — Consistently" in manager_part
    assert "by Maria Manager" in manager_part and "Clear weekly updates" in manager_part
    assert "Self-rating" in self_part and "3 — Usually" in self_part and "Could be earlier" in self_part
    assert section.count("<li>") == 2  # the history has both ratings


def test_member_cannot_rate_others(app, sample_org, as_member):
    # A colleague they cannot see: 403 on view and post.
    assert as_member.get(url(sample_org.member2)).status_code == 403
    assert as_member.post(url(sample_org.member2), data={"score_communication": "5"}).status_code == 403
    assert ratings(app) == []


def test_an_admin_may_rate_anyone(app, sample_org, login):
    as_admin = login(app.test_client(), sample_org.admin)
    assert "Rate Pete Peer" in as_admin.get(url(sample_org.peer)).get_data(as_text=True)
    assert as_admin.post(url(sample_org.peer), data={"score_leadership": "3"}).status_code == 302
    assert ratings(app)[0].rated_by_id == sample_org.admin.id


def test_peer_manager_gets_403_on_view_and_post(app, sample_org, login):
    peer = login(app.test_client(), sample_org.peer)
    assert peer.get(url(sample_org.member)).status_code == 403
    assert peer.post(url(sample_org.member), data={"score_communication": "5"}).status_code == 403
    assert ratings(app) == []


def test_anonymous_is_sent_to_sign_in(client, sample_org):
    r = client.get(url(sample_org.member))
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_skip_level_manager_rates_too(app, sample_org, login):
    director = login(app.test_client(), sample_org.director)
    assert director.post(url(sample_org.member), data={"score_preparation": "2"}).status_code == 302
    assert ratings(app)[0].rated_by_id == sample_org.director.id


# --- inside a 1:1 ---------------------------------------------------------------------------------


@pytest.fixture
def meeting(app, sample_org):
    with app.app_context():
        return Meeting.create(manager=sample_org.manager, report=sample_org.member,
                              scheduled_for=datetime.datetime.combine(TODAY, datetime.time(10)))


def test_rating_inside_a_meeting_links_it_and_returns_there(app, sample_org, as_manager, meeting):
    page = as_manager.get(url(sample_org.member, meeting))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"in the 1:1 of {date_text(TODAY)}" in html
    assert f'action="/people/{sample_org.member.id}/drivers?meeting={meeting.id}"' in html
    r = as_manager.post(url(sample_org.member, meeting), data={"score_follow_through": "4"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/meetings/{meeting.id}")
    saved = ratings(app)
    assert [(s.driver_key, s.meeting_id) for s in saved] == [("follow_through", meeting.id)]
    html = as_manager.get(url(sample_org.member)).get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}">in a 1:1</a>' in html


def test_a_meeting_must_be_the_persons_and_led_by_the_viewer(app, sample_org, as_manager, as_member, meeting,
                                                            login):
    # Not this person's meeting: 404; the report (cannot lead): 403; a peer: 403.
    assert as_manager.get(url(sample_org.member2, meeting)).status_code == 404
    assert as_manager.post(url(sample_org.member2, meeting), data={"score_communication": "3"}).status_code == 404
    assert as_manager.get(f"{url(sample_org.member)}?meeting=999").status_code == 404
    assert as_member.post(url(sample_org.member, meeting), data={"score_communication": "3"}).status_code == 403
    peer = login(app.test_client(), sample_org.peer)
    assert peer.post(url(sample_org.member, meeting), data={"score_communication": "3"}).status_code == 403
    assert ratings(app) == []


# --- trend chart ----------------------------------------------------------------------------------


def test_trend_svg_has_one_point_per_rating_and_a_legend(app, sample_org, as_member):
    org = sample_org
    with app.app_context():
        for days, score in ((200, 2), (100, 3), (10, 4)):
            rate(org.member, org.manager, score, on=TODAY - datetime.timedelta(days=days))
        rate(org.member, org.member, 5, is_self=True, on=TODAY - datetime.timedelta(days=5))
        rate(org.member, org.manager, 1, on=TODAY - datetime.timedelta(days=400))  # outside the window
    html = as_member.get(url(org.member)).get_data(as_text=True)
    charts = svgs(html)
    assert set(charts) == {"trend-communication"}
    svg = charts["trend-communication"]
    assert svg.get("role") == "img" and svg.find(f"{NS}title").text.startswith("Communication")
    circles = [e for e in svg.iter(f"{NS}circle") if "trend-point" in (e.get("class") or "")]
    squares = [e for e in svg.iter(f"{NS}rect") if "trend-point" in (e.get("class") or "")]
    assert len(circles) == 3 and len(squares) == 1
    assert squares[0].find(f"{NS}title").text.endswith("self-rating, 5 — Role model")
    legend = " ".join(t.text for t in svg.iter(f"{NS}text"))
    assert "Manager’s rating" in legend and "Self-rating" in legend
    assert "5 Role model" in legend and "1 Not yet" in legend  # the scale on the axis
    assert not any(e.get("style") for e in svg.iter()) and "script" not in html.split("<main", 1)[-1]
    assert "No ratings in the last 365 days." in html  # other drivers


def test_driver_trend_is_pure_and_places_points_on_the_scale():
    scale = (ScalePoint(1, "Low"), ScalePoint(2, "Mid"), ScalePoint(3, "High"))
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    svg = ET.fromstring(str(driver_trend([TrendPoint(start, 1), TrendPoint(end, 3), TrendPoint(end, 2, True)],
                                         scale, start, end, title="T", chart_id="t")))
    circles = sorted((float(c.get("cx")), float(c.get("cy"))) for c in svg.iter(f"{NS}circle")
                     if "trend-point" in c.get("class"))
    assert circles[0][0] < circles[1][0] and circles[0][1] > circles[1][1]  # later and higher
    assert len([p for p in svg.iter(f"{NS}polyline")]) == 1  # one line: the manager's two ratings


# --- plugins --------------------------------------------------------------------------------------


def three_point_plugin():
    module = types.ModuleType("acme_drivers")

    @hookimpl
    def dualdash_driver_definitions():
        return [Driver("grit", "Grit", "Keeps going.", "Finishes hard things.",
                       scale=(ScalePoint(1, "Below"), ScalePoint(2, "At"), ScalePoint(3, "Above"))),
                Driver("empathy", "Empathy", "Listens.", "Customers feel heard.", roles=("Support Agent",))]

    module.dualdash_driver_definitions = dualdash_driver_definitions
    return module


class TestPluginDriver:
    @pytest.fixture
    def dualdash_plugins(self):
        return [three_point_plugin()]

    def test_a_plugins_driver_is_rated_on_its_own_scale(self, app, sample_org, as_manager):
        html = as_manager.get(url(sample_org.member)).get_data(as_text=True)
        assert "Grit" in html and '<option value="3">3 — Above</option>' in html
        assert '<option value="4">' not in html.split('id="score_grit"', 1)[1].split("</select>", 1)[0]
        assert "Empathy" not in html  # for Support Agents only
        r = as_manager.post(url(sample_org.member), data={"score_grit": "4"})
        assert r.status_code == 400 and "choose from 1 (Below) to 3 (Above)" in r.get_data(as_text=True)
        r = as_manager.post(url(sample_org.member), data={"score_grit": "3"})
        assert r.status_code == 302
        assert "3 — Above" in as_manager.get(url(sample_org.member)).get_data(as_text=True)
        assert [(s.driver_key, s.score) for s in ratings(app)] == [("grit", 3)]

    def test_a_driver_not_for_the_persons_role_is_400(self, app, sample_org, as_manager):
        r = as_manager.post(url(sample_org.member), data={"score_empathy": "3", "score_grit": "2"})
        assert r.status_code == 400
        assert "Empathy does not apply to Account Executive." in r.get_data(as_text=True)
        assert ratings(app) == []

    def test_the_chart_uses_the_plugins_scale(self, app, sample_org, as_manager):
        with app.app_context():
            rate(sample_org.member, sample_org.manager, 2, driver="grit")
        svg = svgs(as_manager.get(url(sample_org.member)).get_data(as_text=True))["trend-grit"]
        ticks = [t.text for t in svg.iter(f"{NS}text") if t.get("class") == "trend-tick"]
        assert ticks[:3] == ["1 Below", "2 At", "3 Above"]


class TestNoDrivers:
    @pytest.fixture
    def app_config(self):
        return {"DISABLED_PLUGINS": ["dualdash.defaults.drivers"]}

    def test_empty_state_points_to_the_plugin_guide(self, sample_org, as_manager):
        page = as_manager.get(url(sample_org.member))
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "No Performance Drivers are defined yet" in html and "plugin guide" in html
        assert "<form method=\"post\" action=\"/people" not in html
        assert as_manager.post(url(sample_org.member), data={"score_communication": "3"}).status_code == 400


# --- elsewhere ------------------------------------------------------------------------------------


def test_ratings_made_here_show_in_results_by_drivers(app, sample_org, as_manager):
    as_manager.post(url(sample_org.member), data={"score_communication": "4", "score_leadership": "2"})
    html = as_manager.get(f"/teams/{sample_org.teams.sales.id}/results-drivers").get_data(as_text=True)
    row = html.split(">Mo Member</a>", 1)[1].split("</tr>", 1)[0]
    assert "3.0 of 5" in row and "2 ratings" in row


def test_core_validate_and_latest(app, sample_org):
    org = sample_org
    with app.app_context():
        with pytest.raises(driver_ratings.Invalid) as caught:
            driver_ratings.record(org.member, org.manager, [driver_ratings.Entry("communication", 9)])
        assert set(caught.value.errors) == {"communication"}
        rate(org.member, org.manager, 2, on=TODAY - datetime.timedelta(days=500))
        old_self = rate(org.member, org.member, 3, is_self=True, on=TODAY - datetime.timedelta(days=30))
        newest = rate(org.member, org.manager, 4, on=TODAY - datetime.timedelta(days=1))
        rate(org.member2, org.manager, 5, on=TODAY)
        start, end = driver_ratings.window(TODAY)
        found = {h.driver.key: h for h in driver_ratings.histories(
            org.member, driver_ratings.drivers_for(org.member), start, end)}
        h = found["communication"]
        assert (h.latest_manager.id, h.latest_self.id) == (newest.id, old_self.id)
        assert h.latest_manager.rater.name == "Maria Manager"
        assert [r.score for r in h.history] == [4, 3]
        assert found["leadership"].latest_manager is None and found["leadership"].history == []


def test_the_page_runs_a_fixed_number_of_queries(app, sample_org, as_manager, count_queries):
    org = sample_org
    with app.app_context():
        rate(org.member, org.manager, 3)
    few = count_queries(lambda: as_manager.get(url(org.member)))
    with app.app_context():
        keys = list(driver_ratings.drivers_for(org.member))
        for days in range(0, 300, 10):
            for d in keys:
                rate(org.member, org.manager, 1 + days % 5, driver=d.key, on=TODAY - datetime.timedelta(days=days))
                rate(org.member, org.member, 2, driver=d.key, is_self=True, on=TODAY - datetime.timedelta(days=days))
    many = count_queries(lambda: as_manager.get(url(org.member)))
    assert few == many


def test_a_rating_before_the_start_date_is_saved_with_a_warning(app, sample_org, as_manager):
    from dualdash.org.models import Person
    org = sample_org
    later = datetime.date.today() + datetime.timedelta(days=10)
    with app.app_context():
        Person.update(start_date=later).where(Person.id == org.member.id).execute()
    r = as_manager.post(url(org.member), data={"score_communication": "3"}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Saved 1 rating for Mo Member." in html
    assert f"Warning: Mo Member&#39;s start date is {date_text(later)}" in html
    assert len(ratings(app)) == 1  # a warning, not a refusal
    # The form itself says so before anything is saved.
    with app.app_context():
        meeting = Meeting.create(manager=org.manager, report=org.member,
                                 scheduled_for=datetime.datetime.combine(datetime.date.today(), datetime.time(10)))
    form = as_manager.get(url(org.member, meeting)).get_data(as_text=True)
    assert_valid_html(as_manager.get(url(org.member, meeting)))
    assert "is dated before it. It is saved all the same" in form
    with app.app_context():
        Person.update(start_date=datetime.date(2020, 1, 1)).where(Person.id == org.member.id).execute()
    assert "dated before" not in as_manager.get(url(org.member, meeting)).get_data(as_text=True)
