"""Admin KPI set-up: the list, create and edit, deactivate or delete, the KPI library from plugins,
and effective-dated benchmark lines per job role and level."""
import datetime
import json
import types

import pytest
from html_checks import assert_valid_html

from dualdash import hookimpl
from dualdash.kpis import periods, scorecards
from dualdash.kpis.models import KPI, Benchmark, Measurement, Scorecard, ScorecardKPI
from dualdash.org.audit import AuditLog
from dualdash.org.models import JobRole, Level, Person
from dualdash.plugins.types import Band

D = datetime.date
FAR = D(2100, 1, 4)  # a Monday far ahead, inside the accepted dates: a future date whatever the day


def routes(org, kpis):
    """Every admin KPI page (path, methods)."""
    k = kpis.calls.id
    return [
        ("/admin/kpis/", ["GET"]),
        ("/admin/kpis/new", ["GET", "POST"]),
        (f"/admin/kpis/{k}/edit", ["GET", "POST"]),
        (f"/admin/kpis/{k}/deactivate", ["GET", "POST"]),
        (f"/admin/kpis/{k}/reactivate", ["GET", "POST"]),
        (f"/admin/kpis/{k}/delete", ["GET", "POST"]),
        ("/admin/kpis/library", ["GET"]),
        ("/admin/kpis/library/calls/add", ["POST"]),
        ("/admin/kpis/library/add-all", ["POST"]),
        (f"/admin/kpis/{k}/benchmarks", ["GET", "POST"]),
        (f"/admin/kpis/{k}/benchmarks/{FAR.isoformat()}/delete", ["GET", "POST"]),
    ]


def kpi_form(**changes):
    data = {"key": "nps", "name": "Net promoter score", "description": "From the survey.", "unit": "count",
            "direction": "higher", "cadence": "monthly", "rollup": "mean", "category": "customer",
            "band_rule": "thresholds", "decimals": "1", "active": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def fresh(obj):
    return type(obj).get_by_id(obj.id)


def audit(action, object_type):
    return list(AuditLog.select().where((AuditLog.action == action) & (AuditLog.object_type == object_type))
                .order_by(AuditLog.id))


def lines_of(kpi):
    """``{(role_id, level_id, effective_from): (meets, exceeds)}`` of a KPI."""
    return {(b.role_id, b.level_id, b.effective_from): (b.meets, b.exceeds)
            for b in Benchmark.select().where(Benchmark.kpi == kpi.id)}


# --- who may come in -----------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, sample_org, sample_kpis):
    for path, methods in routes(sample_org, sample_kpis):
        for method in methods:
            response = client.open(path, method=method)
            assert response.status_code == 302 and "/login" in response.headers["Location"], (method, path)


@pytest.mark.parametrize("who", ["as_member", "as_manager"])
def test_members_and_managers_get_403_everywhere(request, sample_org, sample_kpis, who):
    client = request.getfixturevalue(who)
    before = lines_of(sample_kpis.calls)
    for path, methods in routes(sample_org, sample_kpis):
        for method in methods:
            assert client.open(path, method=method, data={"key": "x", "name": "x"}).status_code == 403, \
                (who, method, path)
    assert KPI.select().count() == 3 and fresh(sample_kpis.calls).active
    assert lines_of(sample_kpis.calls) == before
    assert not AuditLog.select().exists()


# --- the list ------------------------------------------------------------------------------------

def test_list_shows_every_field(as_admin, sample_kpis):
    KPI.update(active=False).where(KPI.id == sample_kpis.revenue.id).execute()
    r = as_admin.get("/admin/kpis/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for text in ["Calls made", "<code>calls</code>", "Count", "Higher is better", "Weekly", "Sum (the total)",
                 "Operational", "Thresholds (thresholds)", "First response time", "Lower is better",
                 "Mean (the average)", "Customer", "Single target (target)", "Currency, 2 decimals",
                 '<span class="tag">Inactive</span>', "On 2 scorecards"]:
        assert text in html, text
    # Active ones first.
    assert html.index("First response time") < html.index("Revenue")


def test_list_empty_state(as_admin):
    html = as_admin.get("/admin/kpis/").get_data(as_text=True)
    assert "There are no KPIs yet." in html
    assert 'href="/admin/kpis/new"' in html and 'href="/admin/kpis/library"' in html


def test_list_runs_a_fixed_number_of_queries(as_admin, sample_org, sample_kpis, count_queries):
    small = count_queries(lambda: as_admin.get("/admin/kpis/"))
    role = JobRole.create(name="Big role")
    card = Scorecard.create(name="Big role", role=role)
    for i in range(25):
        kpi = KPI.create(key=f"k{i}", name=f"KPI {i}", band_rule="missing" if i == 3 else "thresholds")
        ScorecardKPI.create(scorecard=card, kpi=kpi, position=i)
        Benchmark.create(kpi=kpi, meets=1, exceeds=2)
        person = Person.create(email=f"p{i}@example.com", name=f"P {i}", role=role)
        Measurement.create(person=person, kpi=kpi, period_start=D(2026, 11, 16), value=i)
    large = count_queries(lambda: as_admin.get("/admin/kpis/"))
    assert 0 < large == small
    html = as_admin.get("/admin/kpis/").get_data(as_text=True)
    assert "missing (no loaded plugin defines it)" in html


# --- create and edit -----------------------------------------------------------------------------

def test_create_a_kpi_then_set_its_benchmark(as_admin, sample_org):
    page = as_admin.get("/admin/kpis/new").get_data(as_text=True)
    assert '<option selected value="thresholds">Thresholds (thresholds)</option>' in page
    r = as_admin.post("/admin/kpis/new", data=kpi_form(key=" nps "))
    assert r.status_code == 302
    kpi = KPI.get(KPI.key == "nps")
    assert r.headers["Location"].endswith(f"/admin/kpis/{kpi.id}/benchmarks")
    assert (kpi.name, kpi.description, kpi.unit, kpi.direction, kpi.cadence, kpi.rollup, kpi.category,
            kpi.band_rule, kpi.decimals, kpi.active) == (
        "Net promoter score", "From the survey.", "count", "higher", "monthly", "mean", "customer",
        "thresholds", 1, True)
    [entry] = audit("create", "KPI")
    assert entry.actor_id == sample_org.admin.id and json.loads(entry.after)["key"] == "nps"


@pytest.mark.parametrize("changes, field, message", [
    ({"key": "Calls Made"}, "key", "Use lowercase letters, digits and _ only, starting with a letter"),
    ({"key": "9lives"}, "key", "Use lowercase letters, digits and _ only"),
    ({"key": ""}, "key", "Give the KPI a key."),
    ({"name": "  "}, "name", "Give the KPI a name."),
    ({"decimals": "7"}, "decimals", "Use a whole number from 0 to 6."),
    ({"decimals": "two"}, "decimals", "Use a whole number from 0 to 6."),
    ({"unit": "bananas"}, "unit", "Choose a unit from the list."),
    ({"direction": "sideways"}, "direction", "Choose a direction from the list."),
    ({"cadence": "hourly"}, "cadence", "Choose a cadence from the list."),
    ({"rollup": "median"}, "rollup", "Choose a roll-up from the list."),
    ({"category": "fun"}, "category", "Choose a category from the list."),
    ({"band_rule": "magic"}, "band_rule", "Choose a band rule from the list."),
])
def test_create_refuses_bad_input_beside_the_field_and_keeps_what_was_typed(as_admin, sample_org, changes,
                                                                           field, message):
    r = as_admin.post("/admin/kpis/new", data=kpi_form(**changes))
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">' in html
    assert message in html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert "From the survey.</textarea>" in html
    if field != "name":
        assert 'value="Net promoter score"' in html
    if field == "decimals":
        assert f'value="{changes["decimals"]}"' in html
    if field == "key" and changes["key"]:
        assert f'value="{changes["key"]}"' in html
    assert not KPI.select().exists() and not AuditLog.select().exists()


def test_keys_are_unique(as_admin, sample_kpis):
    r = as_admin.post("/admin/kpis/new", data=kpi_form(key="calls"))
    assert r.status_code == 400
    assert "There is already a KPI with the key “calls”." in r.get_data(as_text=True)
    r = as_admin.post(f"/admin/kpis/{sample_kpis.revenue.id}/edit", data=kpi_form(key="calls", name="Revenue"))
    assert r.status_code == 400
    assert "There is already a KPI with the key “calls”." in r.get_data(as_text=True)
    assert fresh(sample_kpis.revenue).key == "revenue"


def test_edit_a_kpi_without_values_may_change_its_key(as_admin, sample_kpis):
    kpi = sample_kpis.revenue
    page = as_admin.get(f"/admin/kpis/{kpi.id}/edit").get_data(as_text=True)
    assert 'value="revenue"' in page and '<option selected value="currency">Currency</option>' in page
    r = as_admin.post(f"/admin/kpis/{kpi.id}/edit", data=kpi_form(
        key="revenue_closed", name="Revenue closed", unit="currency", cadence="monthly", rollup="sum",
        category="financial", decimals="0", band_rule="target", active=None))
    assert r.status_code == 302
    kpi = fresh(kpi)
    assert (kpi.key, kpi.name, kpi.cadence, kpi.band_rule, kpi.decimals, kpi.active) == (
        "revenue_closed", "Revenue closed", "monthly", "target", 0, False)
    [entry] = audit("update", "KPI")
    assert json.loads(entry.before)["key"] == "revenue" and json.loads(entry.after)["key"] == "revenue_closed"


def test_key_and_cadence_are_fixed_once_values_are_stored(as_admin, sample_org, sample_kpis):
    kpi = sample_kpis.calls
    Measurement.create(person=sample_org.member, kpi=kpi, period_start=D(2026, 11, 16), value=4)
    html = as_admin.get(f"/admin/kpis/{kpi.id}/edit").get_data(as_text=True)
    assert 'name="key"' not in html and 'name="cadence"' not in html
    assert "The key can no longer change: 1 value is stored under it" in html
    assert "cannot be deleted" in html and f'href="/admin/kpis/{kpi.id}/deactivate"' in html
    r = as_admin.post(f"/admin/kpis/{kpi.id}/edit", data=kpi_form(key="hacked", cadence="daily",
                                                                  name="Calls", rollup="sum"))
    assert r.status_code == 302
    kpi = fresh(kpi)
    assert (kpi.key, kpi.cadence, kpi.name) == ("calls", "weekly", "Calls")


def test_direction_cannot_flip_under_existing_lines(as_admin, sample_kpis):
    kpi = sample_kpis.calls  # lines 10/20 and 5/8: Exceeds above Meets
    r = as_admin.post(f"/admin/kpis/{kpi.id}/edit", data=kpi_form(key="calls", name="Calls", direction="lower"))
    assert r.status_code == 400
    assert "2 benchmark lines of this KPI have Exceeds on the other side of Meets" in r.get_data(as_text=True)
    assert fresh(kpi).direction == "higher"


# --- deactivate, reactivate, delete --------------------------------------------------------------

def test_delete_a_kpi_without_values(as_admin, sample_kpis):
    kpi = sample_kpis.calls
    page = as_admin.get(f"/admin/kpis/{kpi.id}/delete").get_data(as_text=True)
    assert "its 2 benchmark lines" in page and "removes it from 1 scorecard (Account Executive)" in page
    assert KPI.get_or_none(KPI.id == kpi.id)  # GET only asks
    r = as_admin.post(f"/admin/kpis/{kpi.id}/delete")
    assert r.status_code == 302
    assert KPI.get_or_none(KPI.id == kpi.id) is None
    assert not Benchmark.select().where(Benchmark.kpi == kpi.id).exists()
    assert [e.object_type for e in audit("delete", "KPI")] == ["KPI"]
    assert len(audit("delete", "Benchmark")) == 2 and len(audit("delete", "ScorecardKPI")) == 1


def test_a_kpi_with_values_is_deactivated_not_deleted(as_admin, sample_org, sample_kpis):
    kpi = sample_kpis.calls
    Measurement.create(person=sample_org.member, kpi=kpi, period_start=D(2026, 11, 16), value=4)
    page = as_admin.get(f"/admin/kpis/{kpi.id}/delete").get_data(as_text=True)
    assert "so it cannot be deleted" in page and "<button" not in page.split("<h1>", 1)[1]
    r = as_admin.post(f"/admin/kpis/{kpi.id}/delete")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/kpis/{kpi.id}/deactivate")
    assert KPI.get_or_none(KPI.id == kpi.id) and Measurement.select().count() == 1
    assert "Deactivate KPI “Calls made”?" in as_admin.get(f"/admin/kpis/{kpi.id}/deactivate").get_data(as_text=True)
    assert fresh(kpi).active
    as_admin.post(f"/admin/kpis/{kpi.id}/deactivate")
    assert not fresh(kpi).active and Measurement.select().count() == 1
    [entry] = audit("deactivate", "KPI")
    assert json.loads(entry.before)["active"] is True and json.loads(entry.after)["active"] is False
    # An inactive KPI leaves the scorecards it is on.
    with as_admin.application.test_request_context():
        people = scorecards.people_with_details([sample_org.member.id])
        assert [k.key for k in scorecards.kpis_for(list(people.values()))[sample_org.member.id]] == ["revenue"]
    as_admin.post(f"/admin/kpis/{kpi.id}/reactivate")
    assert fresh(kpi).active and len(audit("reactivate", "KPI")) == 1


# --- band rules and the library come from plugins ------------------------------------------------

def make_plugin():
    """A small organization plugin: a band rule and a KPI library of two."""
    module = types.ModuleType("acme_kpis")

    @hookimpl
    def dualdash_band_rules():
        return [{"name": "half", "label": "Half way",
                 "judge": lambda value, kpi, benchmark, person, period:
                 None if benchmark is None else ("meets" if value >= benchmark.meets / 2 else "fails")}]

    @hookimpl
    def dualdash_kpi_library():
        return [{"key": "demos", "name": "Demos given", "cadence": "weekly", "band_rule": "half",
                 "description": "Product demos.", "meets": 4, "exceeds": 6},
                {"key": "churn", "name": "Churned accounts", "direction": "lower", "category": "customer",
                 "cadence": "monthly", "rollup": "sum", "meets": 3, "exceeds": 1}]

    module.dualdash_band_rules = dualdash_band_rules
    module.dualdash_kpi_library = dualdash_kpi_library
    return module


class TestFromPlugins:
    @pytest.fixture
    def dualdash_plugins(self):
        return [make_plugin()]

    def test_a_plugins_band_rule_is_a_choice(self, as_admin):
        page = as_admin.get("/admin/kpis/new").get_data(as_text=True)
        assert '<option value="half">Half way (half)</option>' in page
        assert '<option value="target">Single target (target)</option>' in page
        as_admin.post("/admin/kpis/new", data=kpi_form(band_rule="half"))
        assert KPI.get(KPI.key == "nps").band_rule == "half"

    def test_library_lists_what_plugins_offer(self, as_admin):
        html = as_admin.get("/admin/kpis/library").get_data(as_text=True)
        assert "Demos given" in html and "Churned accounts" in html and "acme_kpis" in html
        assert "Meets 4, Exceeds 6" in html and "Half way (half)" in html
        assert 'action="/admin/kpis/library/demos/add"' in html
        assert "Add all 2 not yet added" in html

    def test_add_creates_the_kpi_and_its_default_line_once(self, as_admin):
        r = as_admin.post("/admin/kpis/library/demos/add")
        assert r.status_code == 302
        kpi = KPI.get(KPI.key == "demos")
        assert (kpi.name, kpi.cadence, kpi.band_rule, kpi.description, kpi.active) == (
            "Demos given", "weekly", "half", "Product demos.", True)
        assert lines_of(kpi) == {(None, None, D(1970, 1, 1)): (4, 6)}
        assert json.loads(audit("create", "KPI")[0].after)["from_library"] == "acme_kpis"
        # Adding again changes nothing.
        as_admin.post("/admin/kpis/library/demos/add")
        assert KPI.select().where(KPI.key == "demos").count() == 1 and Benchmark.select().count() == 1
        html = as_admin.get("/admin/kpis/library").get_data(as_text=True)
        row = html.split('id="lib-demos"', 1)[1].split("</tr>", 1)[0]
        assert '<span class="added">Added</span>' in row and "<button" not in row
        assert "Add all 1 not yet added" in html

    def test_add_all_adds_the_missing_ones(self, as_admin):
        as_admin.post("/admin/kpis/library/demos/add")
        as_admin.post("/admin/kpis/library/add-all")
        churn = KPI.get(KPI.key == "churn")
        assert (churn.direction, churn.cadence, churn.category) == ("lower", "monthly", "customer")
        assert lines_of(churn) == {(None, None, D(1970, 1, 1)): (3, 1)}
        assert KPI.select().count() == 2 and Benchmark.select().count() == 2
        as_admin.post("/admin/kpis/library/add-all")
        assert KPI.select().count() == 2 and Benchmark.select().count() == 2
        assert "Every KPI of the library is added." in as_admin.get("/admin/kpis/library").get_data(as_text=True)

    def test_an_unknown_library_key_is_404(self, as_admin):
        assert as_admin.post("/admin/kpis/library/nothing/add").status_code == 404


def test_library_empty_state(as_admin):
    html = as_admin.get("/admin/kpis/library").get_data(as_text=True)
    assert "No loaded plugin offers KPIs." in html


# --- benchmarks ----------------------------------------------------------------------------------

def bench_url(kpi, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/admin/kpis/{kpi.id}/benchmarks" + (f"?{query}" if query else "")


def line_form(org, date, rows=None, roles=None):
    """What the benchmark form posts: ``rows`` maps "default", a role or a level to (meets, exceeds)."""
    roles = roles if roles is not None else [org.roles.ae]
    data = {"effective_from": date.isoformat(), "roles": ",".join(str(r.id) for r in roles)}
    keys = [("default", "default")]
    for role in roles:
        keys.append((role, f"r{role.id}"))
        keys += [(lv, f"l{lv.id}") for lv in Level.select().where(Level.role == role.id)]
    for target, key in keys:
        meets, exceeds = (rows or {}).get(target, ("", ""))
        data[f"line_{key}_meets"] = "" if meets is None else str(meets)
        data[f"line_{key}_exceeds"] = "" if exceeds is None else str(exceeds)
    return data


def current_lines(org, kpi, date):
    """The form as shown for ``date`` (what was stored), as ``line_form`` data."""
    return line_form(org, date, {"default": (10, 20), org.levels["Ramping"]: (5, 8)})


def band_and_line(app, person, kpi_key, week):
    with app.test_request_context():
        p = scorecards.people_with_details([person.id])[person.id]
        card = scorecards.build([p], periods.parse(week, "weekly"), history=1)[0]
    row = next(r for r in card.rows if r.kpi.key == kpi_key)
    bench = row.current.benchmark
    return row.current.band, None if bench is None else (bench.meets, bench.exceeds)


def test_benchmark_page_shows_each_level_side_by_side(as_admin, sample_org, sample_kpis):
    kpi = sample_kpis.calls
    r = as_admin.get(bench_url(kpi, date="2026-11-16"))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    ramping, senior = sample_org.levels["Ramping"], sample_org.levels["Senior"]
    assert 'name="effective_from" required type="date" value="2026-11-16"' in html
    assert 'name="line_default_meets" size="8" type="text" value="10"' in html
    assert 'name="line_default_exceeds" size="8" type="text" value="20"' in html
    assert f'name="line_l{ramping.id}_meets" size="8" type="text" value="5"' in html
    assert f'name="line_l{senior.id}_meets" size="8" type="text" value=""' in html
    # Levels in their order under their role, each with what applies now.
    table = html.split('class="benchmark-lines"', 1)[1].split("</table>", 1)[0]
    assert table.index(">Ramping<") < table.index(">Established<") < table.index(">Senior<")
    assert "The line for Everyone (the KPI&#39;s default), since 1 Jan 1970" in table
    assert "Its own line, since 1 Jan 1970" in table
    assert "Support Agent" not in table  # not on its scorecard, no lines of its own
    assert "every earlier period keeps the line that held then" in html
    assert "The first period judged by these lines: Week of 16 Nov 2026." in html


def test_default_date_is_the_start_of_the_current_period(as_admin, sample_kpis):
    html = as_admin.get(bench_url(sample_kpis.calls)).get_data(as_text=True)
    week = periods.containing(datetime.date.today(), "weekly")
    assert f'name="effective_from" required type="date" value="{week.start.isoformat()}"' in html


def test_another_role_can_be_shown(as_admin, sample_org, sample_kpis):
    agent = sample_org.roles.agent
    html = as_admin.get(bench_url(sample_kpis.calls, role=agent.id)).get_data(as_text=True)
    table = html.split('class="benchmark-lines"', 1)[1].split("</table>", 1)[0]
    assert "Support Agent" in table and ">Junior<" in table
    assert f'<option value="{agent.id}">' not in html  # no longer offered to add


def test_saving_level_lines_applies_the_most_specific_from_its_date(app, as_admin, sample_org, sample_kpis):
    kpi, org = sample_kpis.calls, sample_org
    for who in (org.manager, org.member, org.member2):
        for start in (D(2026, 11, 9), D(2026, 11, 16)):  # W46, W47
            Measurement.create(person=who, kpi=kpi, period_start=start, value=14)
    assert band_and_line(app, org.manager, "calls", "2026-W47") == (Band.MEETS, (10, 20))
    form = current_lines(org, kpi, D(2026, 11, 16))
    form.update(line_form(org, D(2026, 11, 16), {
        "default": (10, 20), org.roles.ae: (12, 25), org.levels["Ramping"]: (5, 8),
        org.levels["Senior"]: (15, 30)}))
    r = as_admin.post(bench_url(kpi), data=form)
    assert r.status_code == 302, r.get_data(as_text=True)
    assert "date=2026-11-16" in r.headers["Location"]
    ae, senior = org.roles.ae.id, org.levels["Senior"].id
    assert lines_of(kpi) == {
        (None, None, D(1970, 1, 1)): (10, 20),
        (ae, org.levels["Ramping"].id, D(1970, 1, 1)): (5, 8),
        (ae, None, D(2026, 11, 16)): (12, 25),
        (ae, senior, D(2026, 11, 16)): (15, 30)}  # unchanged lines are not copied
    assert len(audit("create", "Benchmark")) == 2
    # W47 on: Senior by its level line, Established by the role line, Ramping by its own.
    assert band_and_line(app, org.manager, "calls", "2026-W47") == (Band.FAILS, (15, 30))
    assert band_and_line(app, org.member2, "calls", "2026-W47") == (Band.MEETS, (12, 25))
    assert band_and_line(app, org.member, "calls", "2026-W47") == (Band.EXCEEDS, (5, 8))
    # The week before keeps the lines that held then.
    assert band_and_line(app, org.manager, "calls", "2026-W46") == (Band.MEETS, (10, 20))
    assert band_and_line(app, org.member2, "calls", "2026-W46") == (Band.MEETS, (10, 20))
    # The page shows the new lines and their history.
    html = as_admin.get(r.headers["Location"]).get_data(as_text=True)
    assert f'name="line_l{senior}_meets" size="8" type="text" value="15"' in html
    assert "From 16 Nov 2026" in html and "From 1 Jan 1970" in html


def test_an_emptied_line_lets_the_next_less_specific_apply_from_its_date(app, as_admin, sample_org, sample_kpis):
    kpi, org = sample_kpis.calls, sample_org
    for start in (D(2026, 11, 9), D(2026, 11, 16)):
        Measurement.create(person=org.member, kpi=kpi, period_start=start, value=7)
    form = line_form(org, D(2026, 11, 16), {"default": (10, 20)})  # Ramping's own line emptied
    assert as_admin.post(bench_url(kpi), data=form).status_code == 302
    assert band_and_line(app, org.member, "calls", "2026-W46") == (Band.MEETS, (5, 8))
    assert band_and_line(app, org.member, "calls", "2026-W47") == (Band.FAILS, (10, 20))
    html = as_admin.get(bench_url(kpi, date="2026-11-16")).get_data(as_text=True)
    assert "Its own line ends: the next less specific line applies" in html
    assert f'name="line_l{org.levels["Ramping"].id}_meets" size="8" type="text" value=""' in html


def test_saving_what_is_in_force_changes_nothing(as_admin, sample_org, sample_kpis):
    before = lines_of(sample_kpis.calls)
    r = as_admin.post(bench_url(sample_kpis.calls), data=current_lines(sample_org, sample_kpis.calls,
                                                                       D(2026, 11, 16)))
    assert r.status_code == 302
    assert lines_of(sample_kpis.calls) == before and not AuditLog.select().exists()


def test_saving_again_on_the_same_date_replaces_that_dates_lines(as_admin, sample_org, sample_kpis):
    kpi, org = sample_kpis.calls, sample_org
    day = D(2026, 11, 16)
    as_admin.post(bench_url(kpi), data=line_form(org, day, {"default": (11, 21), org.levels["Ramping"]: (5, 8)}))
    as_admin.post(bench_url(kpi), data=line_form(org, day, {"default": (12, 22), org.levels["Ramping"]: (5, 8)}))
    assert {k: v for k, v in lines_of(kpi).items() if k[2] == day} == {(None, None, day): (12, 22)}
    # Back to the old value: the date's line is no longer needed.
    as_admin.post(bench_url(kpi), data=line_form(org, day, {"default": (10, 20), org.levels["Ramping"]: (5, 8)}))
    assert not [k for k in lines_of(kpi) if k[2] == day]


@pytest.mark.parametrize("kpi_name, rows, field, message", [
    ("calls", {"default": (10, 10)}, "line_default_exceeds",
     "Higher is better for this KPI: Exceeds must be higher than Meets."),
    ("calls", {"default": (10, 5)}, "line_default_exceeds", "Exceeds must be higher than Meets."),
    ("response", {"default": (60, 90)}, "line_default_exceeds",
     "Lower is better for this KPI: Exceeds must be lower than Meets."),
    ("calls", {"default": ("", 20)}, "line_default_exceeds",
     "Give a Meets line too: an Exceeds line alone is not a benchmark."),
    ("calls", {"default": ("ten", 20)}, "line_default_meets", "Enter a number, like 12 or 12.5"),
    ("calls", {"default": ("1,000", 2000)}, "line_default_meets", "no thousands separators"),
    ("calls", {"level": ("8", "7")}, "level", "Exceeds must be higher than Meets."),
])
def test_bad_lines_are_refused_beside_the_field(as_admin, sample_org, sample_kpis, kpi_name, rows, field,
                                                message):
    kpi = getattr(sample_kpis, kpi_name)
    senior = sample_org.levels["Senior"]
    if "level" in rows:
        rows = {senior: rows.pop("level"), "default": (10, 20)}
        field = f"line_l{senior.id}_exceeds"
    before = lines_of(kpi)
    data = line_form(sample_org, D(2026, 11, 16), rows)
    r = as_admin.post(bench_url(kpi), data=data)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    for name, value in data.items():  # everything typed is shown again
        if name.startswith("line_") and value:
            assert f'name="{name}" size="8" type="text" value="{value}"' in html, name
    assert 'value="2026-11-16"' in html
    assert lines_of(kpi) == before


def test_a_bad_date_is_refused(as_admin, sample_org, sample_kpis):
    data = line_form(sample_org, D(2026, 11, 16), {"default": (11, 21)})
    data["effective_from"] = "16/11/2026"
    r = as_admin.post(bench_url(sample_kpis.calls), data=data)
    assert r.status_code == 400
    assert "Enter a date like 2026-11-16." in r.get_data(as_text=True)
    assert 'value="11"' in r.get_data(as_text=True)


def test_future_line_sets_can_be_deleted_but_not_past_ones(as_admin, sample_org, sample_kpis):
    kpi, org = sample_kpis.calls, sample_org
    as_admin.post(bench_url(kpi), data=line_form(org, FAR, {"default": (30, 40), org.levels["Ramping"]: (5, 8)}))
    assert lines_of(kpi)[(None, None, FAR)] == (30, 40)
    html = as_admin.get(bench_url(kpi)).get_data(as_text=True)
    assert '<span class="tag">Future</span>' in html
    url = f"/admin/kpis/{kpi.id}/benchmarks/{FAR.isoformat()}/delete"
    assert f'href="{url}"' in html
    assert "Delete the lines of “Calls made” from 4 Jan 2100?" in as_admin.get(url).get_data(as_text=True)
    assert (None, None, FAR) in lines_of(kpi)
    assert as_admin.post(url).status_code == 302
    assert not [k for k in lines_of(kpi) if k[2] == FAR]
    assert len(audit("delete", "Benchmark")) == 1
    # Lines already in force are history.
    past = f"/admin/kpis/{kpi.id}/benchmarks/1970-01-01/delete"
    assert as_admin.post(past).status_code == 302
    assert (None, None, D(1970, 1, 1)) in lines_of(kpi)
    assert as_admin.post(f"/admin/kpis/{kpi.id}/benchmarks/2001-01-01/delete").status_code == 404


def test_benchmark_page_empty_history(as_admin, sample_org):
    kpi = KPI.create(key="fresh", name="Fresh KPI")
    html = as_admin.get(bench_url(kpi)).get_data(as_text=True)
    assert "This KPI has no benchmark lines yet" in html
    assert "Everyone (the KPI&#39;s default)" in html and "No benchmark: no band" in html


class TestPagesAreCleanHTML:
    @pytest.fixture
    def dualdash_plugins(self):
        return [make_plugin()]

    def test_every_page(self, as_admin, sample_org, sample_kpis):
        kpi = sample_kpis.calls
        as_admin.post(bench_url(kpi), data=line_form(sample_org, FAR, {"default": (30, 40)}))
        for url in ["/admin/kpis/", "/admin/kpis/new", f"/admin/kpis/{kpi.id}/edit",
                    f"/admin/kpis/{kpi.id}/delete", f"/admin/kpis/{kpi.id}/deactivate",
                    "/admin/kpis/library", bench_url(kpi), bench_url(kpi, role=sample_org.roles.agent.id),
                    f"/admin/kpis/{kpi.id}/benchmarks/{FAR.isoformat()}/delete"]:
            r = as_admin.get(url)
            assert r.status_code == 200, url
            assert_valid_html(r)
        KPI.update(active=False).where(KPI.id == kpi.id).execute()
        assert_valid_html(as_admin.get(f"/admin/kpis/{kpi.id}/reactivate"))
        bad = as_admin.post("/admin/kpis/new", data=kpi_form(key="Bad Key", decimals="9"))
        assert bad.status_code == 400
        assert_valid_html(bad)
        bad = as_admin.post(bench_url(kpi), data=line_form(sample_org, D(2026, 11, 16), {"default": ("x", 1)}))
        assert bad.status_code == 400
        assert_valid_html(bad)
        assert 'aria-invalid="true"' in bad.get_data(as_text=True)


def test_a_band_rule_no_plugin_defines_is_shown_and_must_be_replaced(as_admin, sample_kpis):
    kpi = sample_kpis.revenue
    KPI.update(band_rule="gone").where(KPI.id == kpi.id).execute()
    html = as_admin.get(f"/admin/kpis/{kpi.id}/edit").get_data(as_text=True)
    assert "gone (no loaded plugin defines it)</option>" in html
    r = as_admin.post(f"/admin/kpis/{kpi.id}/edit", data=kpi_form(key="revenue", name="Revenue", band_rule="gone"))
    assert r.status_code == 400
    assert "band_rule-error" in r.get_data(as_text=True)
    as_admin.post(f"/admin/kpis/{kpi.id}/edit", data=kpi_form(key="revenue", name="Revenue", band_rule="target"))
    assert fresh(kpi).band_rule == "target"
