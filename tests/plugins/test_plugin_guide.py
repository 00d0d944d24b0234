"""The plugin guide (docs/plugins.md) documents every hook and value type, and its examples work:
the quick-start plugin, written from the guide alone, loads from a plugins folder and shows in the app."""
import ast
import dataclasses
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import dualdash
from dualdash.plugins import hookspecs
from dualdash.testing import make_app

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = sorted(name for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("dualdash_"))


def guide():
    return GUIDE.read_text(encoding="utf-8")


def sections():
    """``{heading: text up to the next heading}`` for the guide's ``##`` and ``###`` headings."""
    found, heading, lines = {}, None, []
    for line in guide().splitlines():
        match = re.match(r"#{2,3} (.+)", line)
        if match:
            if heading:
                found[heading] = "\n".join(lines)
            heading, lines = match.group(1).strip(), []
        elif heading:
            lines.append(line)
    if heading:
        found[heading] = "\n".join(lines)
    return found


def code_blocks(text, language="python"):
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)


def quick_start_code():
    """The guide's quick-start plugin: the first python block under the heading "Quick start"."""
    return code_blocks(sections()["Quick start"])[0]


def test_every_hook_spec_is_found():
    assert "dualdash_driver_definitions" in HOOKS and "dualdash_worksheet_sections" in HOOKS
    assert len(HOOKS) == len([n for n in dir(hookspecs) if n.startswith("dualdash_")])


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_and_its_parameters_are_documented(hook):
    text = guide()
    assert f"`{hook}`" in text, f"docs/plugins.md does not document the hook {hook}"
    for parameter in inspect.signature(getattr(hookspecs, hook)).parameters:
        assert f"`{parameter}`" in text, f"docs/plugins.md does not document parameter {parameter} of {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_its_own_section_with_an_example(hook):
    section = sections().get(f"`{hook}`")
    assert section is not None, f"docs/plugins.md has no heading ### `{hook}`"
    parameters = list(inspect.signature(getattr(hookspecs, hook)).parameters)
    for parameter in parameters:
        assert f"`{parameter}`" in section, f"the section of {hook} does not explain `{parameter}`"
    examples = [code for code in code_blocks(section) if f"def {hook}(" in code]
    assert examples, f"the section of {hook} has no example implementing it"
    assert f"def {hook}({', '.join(parameters)}):" in examples[0]


def test_the_band_rule_judge_parameters_are_documented():
    section = sections()["`dualdash_band_rules`"]
    for parameter in inspect.signature(dualdash.BandRule).parameters:
        assert f"`{parameter}`" in section
    for parameter in ("value", "kpi", "benchmark", "person", "period"):
        assert f"`{parameter}`" in section


VALUE_TYPES = [getattr(dualdash, name) for name in dualdash.__all__
               if isinstance(getattr(dualdash, name), type) and dataclasses.is_dataclass(getattr(dualdash, name))]


@pytest.mark.parametrize("cls", VALUE_TYPES, ids=lambda cls: cls.__name__)
def test_every_value_type_and_its_fields_are_documented(cls):
    section = sections().get(f"`{cls.__name__}`")
    assert section is not None, f"docs/plugins.md has no heading ### `{cls.__name__}`"
    for field in dataclasses.fields(cls):
        assert f"`{field.name}`" in section, f"the section of {cls.__name__} does not list `{field.name}`"


def test_the_enums_values_are_documented():
    for enum in (dualdash.Band, dualdash.Situation):
        section = sections()[f"`{enum.__name__}`"]
        for member in enum:
            assert f'{member.value}' in section


def test_every_python_example_in_the_guide_is_valid_python():
    blocks = code_blocks(guide())
    assert len(blocks) >= len(HOOKS) + 2
    for block in blocks:
        ast.parse(block)


def test_the_guide_names_the_built_in_plugins():
    from dualdash.plugins.manager import BUILTIN_PLUGINS
    for name in BUILTIN_PLUGINS:
        assert f"`{name}`" in guide()


# The quick start, as a consultant would use it: the file dropped into a plugins folder.

@pytest.fixture
def plugins_folder(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "acme.py").write_text(quick_start_code())
    return folder


@pytest.fixture
def more_settings():
    return {}


@pytest.fixture
def app_config(plugins_folder, more_settings):
    return {"PLUGINS_DIR": str(plugins_folder), **more_settings}


def test_the_quick_start_plugin_defines_a_driver_a_band_rule_and_questions(app, plugins_folder):
    fw = app.extensions["dualdash.plugins"]
    assert fw.errors == []
    [plugin] = [p for p in fw.plugins if p.name == "acme"]
    assert plugin.source == f"file {plugins_folder / 'acme.py'}"
    assert plugin.hooks == ["dualdash_band_rules", "dualdash_coaching_questions", "dualdash_driver_definitions"]
    assert fw.provided_by[("driver", "customer_focus")] == "acme"
    assert fw.provided_by[("band rule", "stretch")] == "acme"
    assert [q.text for q in fw.questions_for("driver", driver="customer_focus")][-1] == (
        "Which customer did you learn something new about this week?")
    assert "What would our best customer say about this number?" in [
        q.text for q in fw.questions_for("kpi_fails", kpi="revenue")]
    # Added to the defaults.
    assert len(fw.drivers) == 7


def test_the_quick_start_shows_on_the_drivers_page(as_member):
    page = as_member.get("/drivers").get_data(as_text=True)
    assert '<h2 id="driver-customer_focus">Customer focus</h2>' in page
    assert '<li value="4">Always</li>' in page
    assert "Which customer did you learn something new about this week?" in page
    assert "Follow-through" in page


def band_on_plugins_page(client, value):
    response = client.get(f"/admin/plugins?rule=stretch&direction=higher&meets=10&exceeds=20&value={value}")
    assert response.status_code == 200
    found = re.search(r'<span class="band band-(\w+)">', response.get_data(as_text=True))
    return found.group(1) if found else None


def test_the_quick_start_shows_on_the_plugins_page(as_admin, plugins_folder):
    page = as_admin.get("/admin/plugins").get_data(as_text=True)
    assert (f"<tr><td>acme</td><td>file {plugins_folder / 'acme.py'}</td><td>dualdash_band_rules, "
            "dualdash_coaching_questions, dualdash_driver_definitions</td></tr>") in page
    assert "<td>stretch</td><td>Stretch</td>" in page
    assert "What will you tell a customer differently next week?" in page
    # As the guide says: 21 Meets, 22 Exceeds (10% beyond the Exceeds line of 20), 9 Fails.
    assert band_on_plugins_page(as_admin, 21) == "meets"
    assert band_on_plugins_page(as_admin, 22) == "exceeds"
    assert band_on_plugins_page(as_admin, 9) == "fails"


def test_dualdash_plugins_lists_the_quick_start(runner, plugins_folder):
    result = runner.invoke(args=["plugins"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"^acme +file {re.escape(str(plugins_folder / 'acme.py'))}$", result.output, re.M)
    assert "7 drivers, 3 band rules" in result.output


@pytest.mark.parametrize("more_settings", [{"DISABLED_PLUGINS": ["dualdash.defaults.drivers"]}])
def test_disabling_the_default_drivers_leaves_the_quick_start_driver(as_member, app):
    fw = app.extensions["dualdash.plugins"]
    assert list(fw.drivers) == ["customer_focus"]
    page = as_member.get("/drivers").get_data(as_text=True)
    assert "Customer focus" in page and "Follow-through" not in page


def test_the_guide_example_test_passes(tmp_path):
    """The test module of "Testing a plugin", run by pytest on the quick-start plugin."""
    folder = tmp_path / "acme-plugin"
    folder.mkdir()
    (folder / "acme.py").write_text(quick_start_code())
    testing = sections()["Testing a plugin"]
    conftest = next(code for code in code_blocks(testing) if "pytest_plugins" in code)
    (folder / "conftest.py").write_text(conftest)
    (folder / "test_acme.py").write_text(next(code for code in code_blocks(testing) if "def test_" in code))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                            cwd=folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


# What the guide promises about loading that the hooks' docstrings do not say.

def test_a_hook_implementation_may_take_fewer_parameters_than_its_spec(app, tmp_path):
    folder = tmp_path / "lazy"
    folder.mkdir()
    (folder / "lazy.py").write_text(
        "from dualdash import hookimpl\n\n"
        "@hookimpl\ndef dualdash_startup():\n    pass\n\n"
        "@hookimpl\ndef dualdash_worksheet_sections(person):\n    return [('For ' + person.name)]\n")
    lazy = make_app(tmp_path / "lazy-app", app.config["DATABASE_URL"], PLUGINS_DIR=str(folder))
    with lazy.test_request_context():
        from dualdash.plugins.manager import current
        results = current().call_each("dualdash_worksheet_sections", meeting=None,
                                      person=dualdash.PersonInfo(1, "Ann", "ann@example.com"))
    assert results == [("lazy", ["For Ann"])]


def test_the_default_plugins_folder_may_be_missing_a_named_one_may_not(app, tmp_path, monkeypatch):
    from dualdash.plugins import manager as plugins
    from dualdash.plugins.manager import PluginsFailed
    monkeypatch.setattr(plugins, "default_plugins_dir", lambda app: tmp_path / "nowhere")
    assert make_app(tmp_path / "a", app.config["DATABASE_URL"], PLUGINS_DIR=None)
    with pytest.raises(PluginsFailed, match="the plugins folder does not exist"):
        make_app(tmp_path / "b", app.config["DATABASE_URL"], PLUGINS_DIR=str(tmp_path / "nowhere"))
