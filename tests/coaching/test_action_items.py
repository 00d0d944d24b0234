"""The action items page: mine and my people's; done / reopen, with who may do it."""
import datetime
import json

import pytest
from html_checks import assert_valid_html

from dualdash.coaching.models import ActionItem, Meeting
from dualdash.org.audit import AuditLog
from dualdash.org.models import Person

TODAY = datetime.date.today()


def item(owner, description, due=None, status="open", meeting=None):
    return ActionItem.create(owner=owner, description=description, status=status, meeting=meeting,
                             due_date=None if due is None else TODAY + datetime.timedelta(days=due),
                             completed_at=datetime.datetime(2026, 1, 5, 9) if status == "done" else None)


def test_my_items_open_first_overdue_first(app, sample_org, as_member):
    with app.app_context():
        one_on_one = Meeting.create(manager=sample_org.manager, report=sample_org.member,
                                    scheduled_for=datetime.datetime(2026, 1, 2, 10), status="held")
        item(sample_org.member, "Later one", due=6)
        item(sample_org.member, "Undated one")
        item(sample_org.member, "Late one", due=-2, meeting=one_on_one)
        item(sample_org.member, "Finished one", due=-9, status="done")
        item(sample_org.member2, "Item of someone else")
    response = as_member.get("/action-items/")
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    order = [html.index(t) for t in ("Late one", "Later one", "Undated one", "Finished one")]
    assert order == sorted(order)
    assert "Overdue</span>" in html
    assert f'/meetings/{one_on_one.id}"' in html
    assert "Item of someone else" not in html
    assert "My people" not in html  # a member has no people section
    assert "Reopen" in html and "Mark done" in html


def test_managers_see_their_peoples_items(app, sample_org, as_manager):
    with app.app_context():
        item(sample_org.member, "Item of Mo", due=1)
        item(sample_org.indirect, "Item of Ian", due=-1)
        item(sample_org.peer_report, "Item of Paula", due=-1)
        item(sample_org.manager, "Own item of Maria")
    html = as_manager.get("/action-items/").get_data(as_text=True)
    people = html[html.index('id="people-heading"'):html.index('id="done-heading"')]
    assert people.index("Item of Ian") < people.index("Item of Mo")
    assert "Item of Paula" not in html
    mine = html[html.index('id="mine-heading"'):html.index('id="people-heading"')]
    assert "Own item of Maria" in mine


def test_empty_states(as_manager):
    html = as_manager.get("/action-items/").get_data(as_text=True)
    assert "You have no open action items." in html
    assert "Nobody below you has an open action item." in html
    assert "Nothing done yet." in html


def _entry(item_id):
    return (AuditLog.select().where((AuditLog.object_type == "ActionItem") & (AuditLog.object_id == str(item_id)))
            .order_by(AuditLog.id.desc()).first())


def test_owner_marks_done_and_reopens(app, sample_org, as_member):
    with app.app_context():
        mine = item(sample_org.member, "Call the client", due=3)
    response = as_member.post(f"/action-items/{mine.id}/done")
    assert response.status_code == 302 and response.headers["Location"].endswith("/action-items/")
    with app.app_context():
        done = ActionItem.get_by_id(mine.id)
        assert done.status == "done"
        assert done.completed_at is not None
        assert abs(done.completed_at - datetime.datetime.utcnow()) < datetime.timedelta(minutes=5)
        entry = _entry(mine.id)
        assert entry.actor_id == sample_org.member.id and entry.action == "update"
        assert json.loads(entry.before)["status"] == "open" and json.loads(entry.after)["status"] == "done"
    as_member.post(f"/action-items/{mine.id}/reopen")
    with app.app_context():
        reopened = ActionItem.get_by_id(mine.id)
        assert (reopened.status, reopened.completed_at) == ("open", None)
        assert json.loads(_entry(mine.id).after)["status"] == "open"


@pytest.mark.parametrize("who", ["manager", "director", "admin"])
def test_those_above_may_change_it(app, sample_org, login, who):
    with app.app_context():
        theirs = item(sample_org.member, "Prepare the demo")
    client = login(app.test_client(), getattr(sample_org, who))
    assert client.post(f"/action-items/{theirs.id}/done").status_code == 302
    with app.app_context():
        assert ActionItem.get_by_id(theirs.id).status == "done"
        assert _entry(theirs.id).actor_id == getattr(sample_org, who).id


@pytest.mark.parametrize("who", ["peer", "member2", "indirect"])
def test_others_get_403(app, sample_org, login, who):
    with app.app_context():
        theirs = item(sample_org.member, "Prepare the demo")
        finished = item(sample_org.member, "Finished", status="done")
    client = login(app.test_client(), getattr(sample_org, who))
    assert client.post(f"/action-items/{theirs.id}/done").status_code == 403
    assert client.post(f"/action-items/{finished.id}/reopen").status_code == 403
    with app.app_context():
        assert ActionItem.get_by_id(theirs.id).status == "open"
        assert ActionItem.get_by_id(finished.id).status == "done"
        assert _entry(theirs.id) is None


def test_missing_item_anonymous_and_get(app, sample_org, as_member, client):
    assert as_member.post("/action-items/9999/done").status_code == 404
    with app.app_context():
        mine = item(sample_org.member, "x")
    assert client.post(f"/action-items/{mine.id}/done").status_code == 302  # to sign in
    assert as_member.get(f"/action-items/{mine.id}/done").status_code == 405
    with app.app_context():
        assert ActionItem.get_by_id(mine.id).status == "open"


def test_returns_to_the_page_it_came_from(app, sample_org, as_manager):
    with app.app_context():
        theirs = item(sample_org.member, "x")
    response = as_manager.post(f"/action-items/{theirs.id}/done", data={"next": "/dashboard"})
    assert response.headers["Location"].endswith("/dashboard")
    response = as_manager.post(f"/action-items/{theirs.id}/reopen", data={"next": "https://evil.example/"})
    assert "evil" not in response.headers["Location"]


def test_dashboard_buttons_post_back_to_the_dashboard(app, sample_org, as_manager):
    with app.app_context():
        theirs = item(sample_org.member, "From the dashboard", due=-1)
    html = as_manager.get("/dashboard").get_data(as_text=True)
    assert f'action="/action-items/{theirs.id}/done"' in html
    assert 'name="next" value="/dashboard"' in html


def test_index_runs_a_fixed_number_of_queries(app, sample_org, login, count_queries):
    client = login(app.test_client(), sample_org.manager)

    def add(tag, count):
        with app.app_context():
            for i in range(count):
                p = Person.create(email=f"p-{tag}{i}@example.com", name=f"P {tag}{i}", manager=sample_org.manager)
                m = Meeting.create(manager=sample_org.manager, report=p,
                                   scheduled_for=datetime.datetime(2026, 1, 2, 10), status="held")
                item(p, "open", due=i - 3, meeting=m)
                item(sample_org.manager, f"mine {tag}{i}", due=i, meeting=m)
                item(sample_org.manager, f"done {tag}{i}", status="done", meeting=m)

    add("a", 1)
    small = count_queries(lambda: client.get("/action-items/"))
    add("b", 12)
    assert count_queries(lambda: client.get("/action-items/")) == small
