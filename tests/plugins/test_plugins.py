"""The plugin system: discovery, the defaults as plugins, validation, contained faults."""
import html
import logging
import textwrap

import pytest
from click.testing import CliRunner

from dualdash import create_app
from dualdash.cli import main
from dualdash.db import get_db
from dualdash.kpis.models import KPI
from dualdash.plugins.manager import PluginsFailed
from dualdash.testing import TEST_CONFIG

GOOD_PLUGIN = '''
from dualdash import hookimpl

@hookimpl
def dualdash_driver_definitions():
    return [{"key": "curiosity", "name": "Curiosity", "description": "Asks why.",
             "good_looks_like": "Questions before answers.", "scale": [(1, "Rarely"), (2, "Often")]}]

@hookimpl
def dualdash_band_rules():
    return [{"name": "half", "label": "Half way", "judge": lambda value, kpi, benchmark, person, period:
             None if benchmark is None else ("meets" if value >= benchmark.meets / 2 else "fails")}]

@hookimpl
def dualdash_coaching_questions():
    return [{"situation": "driver", "driver": "curiosity", "text": "What did you ask this week?"},
            {"situation": "meeting_open", "text": "What surprised you lately?"}]
'''


def plugin_folder(tmp_path, **files):
    folder = tmp_path / "plugins"
    folder.mkdir(exist_ok=True)
    for name, source in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return folder


def build(tmp_path, **config):
    return create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path / "instance"),
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'plugins-test.sqlite3'}", **config})


def framework(app):
    return app.extensions["dualdash.plugins"]


def test_defaults_are_plugins(as_admin, app):
    fw = framework(app)
    assert [p.name for p in fw.plugins] == ["dualdash.defaults.drivers", "dualdash.defaults.band_rules",
                                            "dualdash.defaults.coaching_questions"]
    assert all(p.source == "built-in" for p in fw.plugins)
    assert list(fw.drivers) == ["communication", "accountability", "follow_through", "preparation",
                                "collaboration", "leadership"]
    assert set(fw.band_rules) == {"thresholds", "target"}
    page = as_admin.get("/admin/plugins").get_data(as_text=True)
    assert "dualdash.defaults.band_rules" in page and "dualdash_band_rules" in page
    drivers = as_admin.get("/drivers").get_data(as_text=True)
    for name in ["Communication", "Accountability", "Follow-through", "Preparation", "Collaboration",
                 "Leadership"]:
        assert name in drivers


def test_a_folder_plugin_adds_a_driver_a_rule_and_questions(tmp_path):
    app = build(tmp_path, PLUGINS_DIR=str(plugin_folder(tmp_path, **{"acme.py": GOOD_PLUGIN})))
    fw = framework(app)
    acme = fw.plugins[-1]
    assert acme.name == "acme" and acme.source.startswith("file ") and acme.source.endswith("acme.py")
    assert acme.hooks == ["dualdash_band_rules", "dualdash_coaching_questions", "dualdash_driver_definitions"]
    assert "curiosity" in fw.drivers and "half" in fw.band_rules
    assert [q.text for q in fw.questions_for("driver", driver="curiosity")] == [
        "Where did this show up well since we last met? Where not?", "What did you ask this week?"]
    # Stable order: built-ins first, then plugins in load order.
    opening = [q.text for q in fw.questions_for("meeting_open")]
    assert opening[-1] == "What surprised you lately?" and len(opening) == 3


def test_folder_packages_load_and_tests_are_skipped(tmp_path):
    folder = plugin_folder(tmp_path, **{"pkg_plugin/__init__.py": GOOD_PLUGIN,
                                        "test_something.py": "raise RuntimeError('not a plugin')",
                                        "conftest.py": "raise RuntimeError('not a plugin')",
                                        "_private.py": "raise RuntimeError('not a plugin')"})
    fw = framework(build(tmp_path, PLUGINS_DIR=str(folder)))
    assert [p.name for p in fw.plugins][-1] == "pkg_plugin" and "curiosity" in fw.drivers


def test_plugins_do_not_leak_between_apps(tmp_path):
    with_plugin = build(tmp_path, PLUGINS_DIR=str(plugin_folder(tmp_path, **{"acme.py": GOOD_PLUGIN})))
    without = build(tmp_path / "other")
    assert "curiosity" in framework(with_plugin).drivers
    assert "curiosity" not in framework(without).drivers
    assert framework(with_plugin).manager is not framework(without).manager


class TestDisablingDefaults:
    @pytest.fixture
    def app_config(self):
        return {"DISABLED_PLUGINS": ["dualdash.defaults.drivers"]}

    def test_disabling_the_builtin_drivers_removes_them(self, app, as_member):
        fw = framework(app)
        assert fw.drivers == {}
        assert "dualdash.defaults.drivers" not in [p.name for p in fw.plugins]
        # The drivers' own questions go with them; the generic driver question stays.
        assert not [q for q in fw.questions if q.driver == "communication"]
        page = as_member.get("/drivers").get_data(as_text=True)
        assert "Communication" not in page and "No Performance Drivers are defined" in page


def test_an_organization_can_replace_the_defaults(tmp_path):
    folder = plugin_folder(tmp_path, **{"acme.py": GOOD_PLUGIN})
    fw = framework(build(tmp_path, PLUGINS_DIR=str(folder), DISABLED_PLUGINS=[
        "dualdash.defaults.drivers", "dualdash.defaults.band_rules", "dualdash.defaults.coaching_questions"]))
    assert list(fw.drivers) == ["curiosity"] and list(fw.band_rules) == ["half"]
    assert [q.text for q in fw.questions] == ["What did you ask this week?", "What surprised you lately?"]


BROKEN = {
    "import_error": ("import nonexistent_module_xyz\n", None, "failed to load: ModuleNotFoundError"),
    "misspelt": ("from dualdash import hookimpl\n@hookimpl\ndef dualdash_driver_definition():\n    return []\n",
                 "dualdash_driver_definition", "there is no hook named"),
    "unmarked": ("def dualdash_driver_definitions():\n    return []\n",
                 "dualdash_driver_definitions", "not marked with @hookimpl"),
    "missing_field": ("from dualdash import hookimpl\n@hookimpl\ndef dualdash_driver_definitions():\n"
                      "    return [{'key': 'grit', 'description': '', 'good_looks_like': ''}]\n",
                      "dualdash_driver_definitions", "missing field(s) name"),
    "duplicate": ("from dualdash import hookimpl\n@hookimpl\ndef dualdash_driver_definitions():\n"
                  "    return [{'key': 'communication', 'name': 'Talk', 'description': '', 'good_looks_like': ''}]\n",
                  "dualdash_driver_definitions", "already defined by plugin 'dualdash.defaults.drivers'"),
    "bad_situation": ("from dualdash import hookimpl\n@hookimpl\ndef dualdash_coaching_questions():\n"
                      "    return [{'situation': 'lunch', 'text': 'Hungry?'}]\n",
                      "dualdash_coaching_questions", "situation 'lunch' is not one of"),
    "unknown_rule": ("from dualdash import hookimpl\n@hookimpl\ndef dualdash_kpi_library():\n"
                     "    return [{'key': 'nps', 'name': 'NPS', 'band_rule': 'magic'}]\n",
                     "dualdash_kpi_library", "band rule 'magic', which no loaded plugin defines"),
    "raises": ("from dualdash import hookimpl\n@hookimpl\ndef dualdash_band_rules():\n    return 1 / 0\n",
               "dualdash_band_rules", "raised ZeroDivisionError"),
    "not_a_list": ("from dualdash import hookimpl\n@hookimpl\ndef dualdash_band_rules():\n    return 'thresholds'\n",
                   "dualdash_band_rules", "returned str, expected a list"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_plugin_stops_the_app_with_its_name(tmp_path, name):
    source, hook, cause = BROKEN[name]
    folder = plugin_folder(tmp_path, **{f"{name}.py": source})
    with pytest.raises(PluginsFailed) as failed:
        build(tmp_path, PLUGINS_DIR=str(folder))
    message = str(failed.value)
    assert f"plugin '{name}'" in message and cause in message
    if hook:
        assert f"in hook {hook}" in message


def test_a_kpi_whose_rule_is_defined_nowhere_stops_the_app(app, tmp_path):
    KPI.create(key="revenue", name="Revenue", band_rule="ramp")
    with pytest.raises(PluginsFailed) as failed:
        create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path / "i2"), "DATABASE_URL": app.config["DATABASE_URL"]})
    assert "KPI 'revenue' uses band rule 'ramp', which no loaded plugin defines" in str(failed.value)


def cli_env(tmp_path, folder):
    return {"DUALDASH_INSTANCE": str(tmp_path / "cli-instance"), "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
            "DUALDASH_PLUGINS_DIR": str(folder), "DUALDASH_LOAD_ENTRY_POINTS": "false",
            "DUALDASH_DISABLED_PLUGINS": "[]"}


def test_dualdash_plugins_lists_what_loaded_and_names_the_broken_one(tmp_path):
    folder = plugin_folder(tmp_path, **{"acme.py": GOOD_PLUGIN, "broken.py": BROKEN["import_error"][0]})
    result = CliRunner().invoke(main, ["plugins"], env=cli_env(tmp_path, folder))
    assert result.exit_code == 1
    assert "acme" in result.output and "dualdash_driver_definitions" in result.output
    assert "dualdash.defaults.drivers" in result.output and "built-in" in result.output
    assert "plugin 'broken': failed to load: ModuleNotFoundError" in result.output


def test_other_commands_refuse_to_run_with_a_broken_plugin(tmp_path):
    folder = plugin_folder(tmp_path, **{"broken.py": BROKEN["misspelt"][0]})
    result = CliRunner().invoke(main, ["serve"], env=cli_env(tmp_path, folder))
    assert result.exit_code != 0
    assert "cannot start" in result.output and "plugin 'broken'" in result.output


def test_serve_takes_a_plugins_dir(tmp_path, monkeypatch):
    import waitress
    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app))
    folder = plugin_folder(tmp_path, **{"acme.py": GOOD_PLUGIN})
    env = cli_env(tmp_path, tmp_path / "nothing-here")
    env.pop("DUALDASH_PLUGINS_DIR")
    env["DUALDASH_PLUGINS_DIR"] = '""'
    result = CliRunner().invoke(main, ["serve", "--plugins-dir", str(folder)], env=env)
    assert result.exit_code == 0, result.output
    assert "curiosity" in framework(served["app"]).drivers


RULES = '''
from dualdash import hookimpl

@hookimpl
def dualdash_band_rules():
    return [{"name": "explodes", "label": "Explodes", "judge": lambda **kw: 1 / 0},
            {"name": "nonsense", "label": "Nonsense", "judge": lambda **kw: "excellent"}]
'''


@pytest.fixture
def rules_module(tmp_path):
    import importlib.util
    path = tmp_path / "bad_rules.py"
    path.write_text(RULES)
    spec = importlib.util.spec_from_file_location("bad_rules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestFaultsWhileAPageIsBuilt:
    @pytest.fixture
    def dualdash_plugins(self, rules_module):
        return [rules_module]

    def test_a_rule_that_raises_is_named_and_gives_no_band(self, as_admin, caplog):
        with caplog.at_level(logging.ERROR):
            r = as_admin.get("/admin/plugins", query_string={"rule": "explodes", "meets": "10", "value": "12"})
        page = html.unescape(r.get_data(as_text=True))
        assert r.status_code == 200
        assert "A plugin failed while this page was built" in page
        assert "plugin 'bad_rules' in hook dualdash_band_rules: ZeroDivisionError" in page
        assert "No band" in page and "band-meets" not in page
        assert "bad_rules" in caplog.text and "ZeroDivisionError" in caplog.text

    def test_an_answer_that_is_not_a_band_is_refused(self, as_admin):
        page = html.unescape(as_admin.get("/admin/plugins", query_string={
            "rule": "nonsense", "meets": "1", "value": "2"}).get_data(as_text=True))
        assert "returned 'excellent', not a band" in page and "No band" in page


@pytest.mark.parametrize("rule,direction,meets,exceeds,value,band", [
    ("thresholds", "higher", 10, 20, 25, "Exceeds"),
    ("thresholds", "higher", 10, 20, 20, "Exceeds"),
    ("thresholds", "higher", 10, 20, 10, "Meets"),
    ("thresholds", "higher", 10, 20, 9.5, "Fails"),
    ("thresholds", "lower", 60, 30, 25, "Exceeds"),
    ("thresholds", "lower", 60, 30, 45, "Meets"),
    ("thresholds", "lower", 60, 30, 61, "Fails"),
    ("thresholds", "higher", 10, "", 99, "Meets"),
    ("target", "higher", 10, "", 99, "Meets"),
    ("target", "higher", 10, "", 9, "Fails"),
    ("target", "lower", 5, "", 4, "Meets"),
])
def test_default_band_rules(as_admin, rule, direction, meets, exceeds, value, band):
    page = as_admin.get("/admin/plugins", query_string={
        "rule": rule, "direction": direction, "meets": meets, "exceeds": exceeds, "value": value,
    }).get_data(as_text=True)
    assert f'band-{band.lower()}">{band}</span>' in page


def test_no_benchmark_means_no_band(as_admin):
    page = as_admin.get("/admin/plugins", query_string={"rule": "thresholds", "value": "5"}).get_data(as_text=True)
    assert "No band" in page and "cannot judge" in page


def test_try_out_form_validates(as_admin):
    r = as_admin.get("/admin/plugins", query_string={"rule": "thresholds", "value": "lots"})
    assert r.status_code == 400 and b'value="lots"' in r.data


def test_plugin_pages_permissions(as_member, as_manager, client, sample_org):
    assert as_member.get("/admin/plugins").status_code == 403
    assert as_manager.get("/admin/plugins").status_code == 403
    assert as_member.get("/drivers").status_code == 200
    assert client.get("/drivers").status_code == 302


def test_start_up_leaves_no_database_connection_open(tmp_path):
    app = build(tmp_path)
    assert get_db(app).is_closed()


def test_the_default_plugins_folder_is_optional_but_a_configured_one_is_not(tmp_path, monkeypatch):
    import dualdash.plugins.manager as plugins_module
    monkeypatch.setattr(plugins_module, "default_plugins_dir", lambda app: tmp_path / "absent")
    assert not framework(build(tmp_path, PLUGINS_DIR=None)).errors
    with pytest.raises(PluginsFailed) as failed:
        build(tmp_path, PLUGINS_DIR=str(tmp_path / "typo"))
    assert "does not exist" in str(failed.value)
