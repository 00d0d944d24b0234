"""The ``dualdash`` command line: a Flask/click group, so ``flask --app dualdash`` has the same commands."""
import click
from flask.cli import FlaskGroup, ScriptInfo


def _create_app():
    from dualdash.app import create_app
    # Lenient, so that `dualdash plugins` can list what loaded; every other command refuses below.
    return create_app(strict_plugins=False)


class DualDashGroup(FlaskGroup):
    """Flask's group without its generic options (--app, --env-file, --debug): ``dualdash``
    always runs this app, configured from the instance folder and the environment."""

    def __init__(self, **kwargs):
        super().__init__(create_app=_create_app, add_default_commands=False, add_version_option=False,
                         load_dotenv=False, set_debug_flag=False, **kwargs)
        self.params = [p for p in self.params if p.name not in {"env_file", "app", "debug"}]

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if name != "plugins":
            from dualdash.plugins.manager import PluginsFailed
            errors = ctx.ensure_object(ScriptInfo).load_app().extensions["dualdash.plugins"].errors
            if errors:
                raise click.ClickException(str(PluginsFailed(errors)) + "\n'dualdash plugins' lists what loaded.")
        return name, command, rest


@click.group(cls=DualDashGroup)
@click.version_option(package_name="dualdash")
def main():
    """Dual Dash: run the server, set up the database, import data, create users."""
