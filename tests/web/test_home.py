"""Home, "what needs me today": each list shows the right people and empties when dealt with, per role,
in a fixed number of queries whatever the number of reports."""
import datetime

from html_checks import assert_valid_html

from dualdash.coaching import meetings
from dualdash.coaching.models import ActionItem, AgendaItem, DriverRating, Meeting
from dualdash.kpis.models import KPI, Measurement
from dualdash.org.models import Person
from dualdash.plugins import manager as plugins
from dualdash.web import today as today_module

TODAY = datetime.date.today()


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour))


def days(n):
    return TODAY + datetime.timedelta(days=n)


def section(html, heading_id):
    """The HTML of the section whose heading has ``heading_id`` (up to the next section)."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start:end if end != -1 else len(html)]


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_valid_html(response)
    return response.get_data(as_text=True)


def week(app):
    with app.app_context():
        return today_module.last_completed_week(TODAY)


def value(person, kpi, period_start, number):
    Measurement.create(person=person, kpi=kpi, period_start=period_start, value=number)


# --- the manager ---------------------------------------------------------------------------------

def test_this_weeks_1_1s_say_prepared_or_not_and_go_when_held(app, sample_org, as_manager):
    org = sample_org
    with app.app_context():
        soon = Meeting.create(manager=org.manager, report=org.member, scheduled_for=at(days(2)))
        ready = Meeting.create(manager=org.manager, report=org.member2, scheduled_for=at(days(1)),
                               prepared_at=datetime.datetime.now())
        later = Meeting.create(manager=org.manager, report=org.member, scheduled_for=at(days(12)))
        other = Meeting.create(manager=org.peer, report=org.peer_report, scheduled_for=at(days(1)))
    html = section(home(as_manager), "meetings-heading")
    assert f'/meetings/{soon.id}"' in html and f'/meetings/{ready.id}"' in html
    assert f'/meetings/{later.id}"' not in html and f'/meetings/{other.id}"' not in html
    assert html.index(f'/meetings/{ready.id}"') < html.index(f'/meetings/{soon.id}"')  # soonest first
    assert "Mo Member</a>" in html and "Not prepared" in html and "Prepared</span>" in html
    with app.app_context():
        meetings.mark_held(Meeting.get_by_id(soon.id))
        meetings.mark_held(Meeting.get_by_id(ready.id))
    html = section(home(as_manager), "meetings-heading")
    assert "No 1:1s this week" in html


def test_overdue_action_items_of_the_line_until_done(app, sample_org, as_manager):
    org = sample_org
    with app.app_context():
        mine = ActionItem.create(owner=org.manager, description="Send the plan", due_date=days(-1))
        theirs = ActionItem.create(owner=org.indirect, description="Call back Acme", due_date=days(-3))
        not_yet = ActionItem.create(owner=org.member, description="Prepare the demo", due_date=days(3))
        outside = ActionItem.create(owner=org.peer_report, description="Outside the line", due_date=days(-3))
    html = section(home(as_manager), "overdue-heading")
    assert "Send the plan" in html and "Call back Acme" in html and "Ian Indirect" in html
    assert f"/action-items/{theirs.id}/done" in html and 'href="/action-items/"' in html
    assert "Prepare the demo" not in html and "Outside the line" not in html
    assert html.index("Call back Acme") < html.index("Send the plan")  # most overdue first
    response = as_manager.post(f"/action-items/{theirs.id}/done", data={"next": "/"})
    assert response.status_code == 302
    html = section(home(as_manager), "overdue-heading")
    assert "Call back Acme" not in html and "Send the plan" in html
    as_manager.post(f"/action-items/{mine.id}/done", data={"next": "/"})
    assert "No overdue action items" in section(home(as_manager), "overdue-heading")
    assert not_yet.id and outside.id


def test_kpis_that_turned_fails_or_exceeds_since_the_last_1_1(app, sample_org, sample_kpis, as_manager):
    org, k = sample_org, sample_kpis
    last = week(app)
    before = last.start - datetime.timedelta(days=7)
    with app.app_context():
        # Mo's last 1:1 (the Monday of last week) reviewed the week before, when calls met the line.
        Meeting.create(manager=org.manager, report=org.member, scheduled_for=at(last.start), status="held")
        value(org.member, k.calls, before, 6)
        value(org.member, k.calls, last.start, 2)  # Ramping line: 5 → Fails
        value(org.member, k.revenue, before, 500)
        value(org.member, k.revenue, last.start, 600)  # Fails then and now: nothing new
        value(org.member2, k.revenue, last.start, 2000)  # Exceeds, never talked about
        value(org.indirect, k.calls, last.start, 1)  # not a direct report
    html = home(as_manager)
    curious, celebrate = section(html, "curious-heading"), section(html, "celebrate-heading")
    assert f"/people/{org.member.id}/scorecard" in curious and "Mo Member: Calls made" in curious
    assert "Fails" in curious and "at the last 1:1: Meets" in curious
    assert "Revenue" not in curious and "Ian Indirect" not in curious
    assert "Mia Member: Revenue" in celebrate and "Exceeds" in celebrate
    with app.app_context():
        # A 1:1 held after the week ended has seen it.
        Meeting.create(manager=org.manager, report=org.member, scheduled_for=at(TODAY, 0), status="held")
        Meeting.create(manager=org.manager, report=org.member2, scheduled_for=at(TODAY, 0), status="held")
    html = home(as_manager)
    assert "No KPI turned Fails" in section(html, "curious-heading")
    assert "No KPI turned Exceeds" in section(html, "celebrate-heading")


def test_missing_values_of_the_last_week_link_to_the_grid(app, sample_org, sample_kpis, as_manager):
    org, k = sample_org, sample_kpis
    last = week(app)
    with app.app_context():
        value(org.member, k.calls, last.start, 7)
        key = f"{(last.start + datetime.timedelta(days=3)).isocalendar()[0]}-W" \
              f"{(last.start + datetime.timedelta(days=3)).isocalendar()[1]:02d}"
    html = section(home(as_manager), "missing-heading")
    assert "Mo Member</a>: Revenue" in html
    assert "Ian Indirect</a>: Calls made, Revenue" in html  # everyone below, indirect too
    assert "Mia Member</a>: Calls made, Revenue, First response time" in html
    assert "6 values missing for 3 people" in html
    assert f"/measurements/grid?cadence=weekly&amp;period={key}" in html
    assert "Paula" not in html
    with app.app_context():
        value(org.member, k.revenue, last.start, 900)
        for kpi in (k.calls, k.revenue):
            value(org.indirect, kpi, last.start, 1)
        for kpi in (k.calls, k.revenue, k.response):
            value(org.member2, kpi, last.start, 1)
    assert "No values missing" in section(home(as_manager), "missing-heading")


def test_drivers_due_for_a_rating_until_rated(app, sample_org, as_manager):
    org = sample_org
    html = section(home(as_manager), "drivers-heading")
    assert f"/people/{org.member.id}/drivers" in html and f"/people/{org.member2.id}/drivers" in html
    assert "Ian Indirect" not in html  # rated by their own manager
    with app.app_context():
        for key in plugins.current().drivers:
            DriverRating.create(person=org.member, rated_by=org.manager, driver_key=key, score=4, rated_on=TODAY)
            # A self-rating is not the manager's.
            DriverRating.create(person=org.member2, rated_by=org.member2, driver_key=key, score=4, rated_on=TODAY,
                                is_self=True)
    html = section(home(as_manager), "drivers-heading")
    assert f"/people/{org.member.id}/drivers" not in html and f"/people/{org.member2.id}/drivers" in html


def _grow(org, size, tag, week_start):
    """``size`` more direct reports of the manager, each with a report of their own, a 1:1 this week,
    an overdue action item, a value and a held 1:1."""
    ae = org.roles.ae
    for i in range(size):
        p = Person.create(email=f"extra-{tag}{i}@example.com", name=f"Extra {tag}{i}", manager=org.manager, role=ae,
                          level=org.levels["Senior"], team=org.teams.sales)
        Person.create(email=f"below-{tag}{i}@example.com", name=f"Below {tag}{i}", manager=p, role=ae)
        Meeting.create(manager=org.manager, report=p, scheduled_for=at(days(1)))
        Meeting.create(manager=org.manager, report=p, scheduled_for=at(days(-20)), status="held")
        ActionItem.create(owner=p, description=f"Item {tag}{i}", due_date=days(-2))
        Measurement.create(person=p, kpi=KPI.get(KPI.key == "calls"), period_start=week_start, value=30)


def test_the_manager_home_runs_a_fixed_number_of_queries(app, sample_org, sample_kpis, login, count_queries):
    client = login(app.test_client(), sample_org.manager)
    last = week(app)
    with app.app_context():
        _grow(sample_org, 1, "a", last.start)  # 3 direct reports
    few = count_queries(lambda: client.get("/"))
    with app.app_context():
        _grow(sample_org, 9, "b", last.start)  # 12
    html = client.get("/").get_data(as_text=True)
    assert "Extra b8" in html
    assert count_queries(lambda: client.get("/")) == few


# --- the member ----------------------------------------------------------------------------------

def test_a_member_sees_the_next_1_1_with_its_agenda_their_scorecard_and_items(app, sample_org, sample_kpis,
                                                                               as_member):
    org, k = sample_org, sample_kpis
    last = week(app)
    with app.app_context():
        nxt = Meeting.create(manager=org.manager, report=org.member, scheduled_for=at(days(3)))
        Meeting.create(manager=org.manager, report=org.member, scheduled_for=at(days(10)))
        AgendaItem.create(meeting=nxt, position=1, kind="talking_point", title="Ask about the training budget")
        value(org.member, k.calls, last.start, 9)  # Ramping: 5 / 8 → Exceeds
        item = ActionItem.create(owner=org.member, description="Read the playbook", due_date=days(5))
        ActionItem.create(owner=org.member2, description="Someone else's", due_date=days(5))
    html = home(as_member)
    assert "meetings-heading" not in html and "gaps-heading" not in html  # not a manager, not an admin
    upcoming = section(html, "next-heading")
    assert f'/meetings/{nxt.id}"' in upcoming and "Maria Manager" in upcoming
    assert "Ask about the training budget" in upcoming
    card = section(html, "scorecard-heading")
    assert "Calls made</a>:" in card and "9" in card and "Exceeds" in card
    assert "Revenue</a>:" in card and "no value" in card and "No band" in card
    items = section(html, "items-heading")
    assert "Read the playbook" in items and "Someone else" not in items
    as_member.post(f"/action-items/{item.id}/done", data={"next": "/"})
    assert "No open action items" in section(home(as_member), "items-heading")


def test_a_member_with_nothing_planned_sees_empty_states(as_member):
    html = home(as_member)
    assert "No 1:1 planned yet" in html and "No KPIs on your scorecard yet" in html
    assert "No open action items" in html


# --- the admin -----------------------------------------------------------------------------------

def test_an_admin_sees_set_up_gaps_until_fixed(app, sample_org, sample_kpis, as_admin):
    org = sample_org
    with app.app_context():
        bare = KPI.create(key="nps", name="Net promoter score", cadence="monthly")
        KPI.create(key="old", name="Retired KPI", cadence="monthly", active=False)
        stray = Person.create(email="stray@example.com", name="Sol Stray", role=org.roles.ae)
        Person.create(email="gone@example.com", name="Gus Gone", active=False)
    html = section(home(as_admin), "gaps-heading")
    assert f"/admin/kpis/{bare.id}/benchmarks" in html and "Retired KPI" not in html
    managers = html[html.index('id="gaps-managers"'):html.index('id="gaps-roles"')]
    assert f"/admin/people/{stray.id}/edit" in managers and "Ada Admin" in managers
    assert "Dana Director" not in managers  # heads the reporting line
    roles = html[html.index('id="gaps-roles"'):]
    assert "Dana Director" in roles and "Sol Stray" not in roles and "Gus Gone" not in html
    with app.app_context():
        KPI.delete().where(KPI.id == bare.id).execute()
        Person.update(manager=org.director).where(Person.id.in_([stray.id, org.admin.id])).execute()
        Person.update(role=org.roles.ae).where(Person.role.is_null()).execute()
    assert "No set-up gaps" in section(home(as_admin), "gaps-heading")


def test_gaps_are_for_admins_only(as_manager):
    assert "gaps-heading" not in home(as_manager)
