"""Configuration: defaults, instance/config.py, then the environment."""
from pathlib import Path

from dualdash import create_app


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance)})
    key_file = instance / "secret_key"
    assert key_file.exists() and len(first.config["SECRET_KEY"]) >= 32
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    second = create_app({"INSTANCE_PATH": str(instance)})
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    other = create_app({"INSTANCE_PATH": str(tmp_path / "elsewhere")})
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/dualdash.sqlite3"


def test_sqlite_uses_wal_and_foreign_keys(app):
    from dualdash.db import get_db
    db = get_db(app)
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        return
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_instance_config_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("PEOPLE_PER_PAGE = 10\nREMOTE_USER_HEADER = 'X-User'\n"
                                        "DATABASE_URL = 'sqlite:///from-file.db'\n")
    monkeypatch.setenv("DUALDASH_INSTANCE", str(instance))
    monkeypatch.setenv("DUALDASH_PEOPLE_PER_PAGE", "25")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/from-env.db")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["PEOPLE_PER_PAGE"] == 25          # environment beats the file
    assert app.config["REMOTE_USER_HEADER"] == "X-User"  # the file beats the defaults
    assert app.config["DATABASE_URL"].endswith("from-env.db")
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_a_regular_install_keeps_its_instance_in_the_virtualenv(tmp_path, monkeypatch):
    # The README's <virtualenv>/var/dualdash-instance, not Flask's default named after the module
    # (<virtualenv>/var/dualdash.app-instance); a checkout keeps ./instance.
    import sys

    from dualdash import app as app_module
    venv = tmp_path / "venv"
    site = venv / "lib" / "python3.11" / "site-packages"
    (site / "dualdash").mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(app_module, "PACKAGE_DIR", site / "dualdash")
    monkeypatch.delenv("DUALDASH_INSTANCE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = app_module.create_app({"SECRET_KEY": "x", "PLUGINS_DIR": "", "LOAD_ENTRY_POINTS": False})
    assert app.instance_path == str(venv / "var" / "dualdash-instance")
    assert app.config["DATABASE_URL"] == "sqlite:///" + str(venv / "var" / "dualdash-instance" / "dualdash.sqlite3")
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "`<virtualenv>/var/dualdash-instance`" in readme


def test_an_install_that_used_the_old_instance_folder_keeps_it(tmp_path, monkeypatch):
    import sys

    from dualdash import app as app_module
    venv = tmp_path / "venv"
    (venv / "var" / "dualdash.app-instance").mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(app_module, "PACKAGE_DIR", venv / "lib" / "site-packages" / "dualdash")
    assert app_module.default_instance_path() == venv / "var" / "dualdash.app-instance"


def test_a_checkout_keeps_its_instance_folder_at_the_top():
    from dualdash import app as app_module
    assert app_module.default_instance_path() == app_module.PACKAGE_DIR.parent / "instance"
