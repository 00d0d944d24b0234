"""The CLI commands, one module per area."""
from dualdash.commands import accounts, backup, bench, data, demo, imports, plugins, serve, tokens


def register_commands(app):
    """Add Dual Dash's commands to ``app.cli`` (``init`` and ``migrate`` come with the database)."""
    app.cli.add_command(accounts.create_user_command)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(data.export_command)
    app.cli.add_command(data.import_all_command)
    app.cli.add_command(bench.bench_command)
    app.cli.add_command(plugins.plugins_command)
    app.cli.add_command(imports.import_group)
    app.cli.add_command(demo.demo_command)
    app.cli.add_command(serve.serve_command)
    app.cli.add_command(tokens.create_token_command)
