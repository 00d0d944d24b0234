"""``dualdash serve``."""
import click


@click.command("serve")
def serve_command():
    """Run the production WSGI server."""
