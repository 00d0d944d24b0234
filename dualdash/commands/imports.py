"""``dualdash import …``: bulk loads from CSV files."""
import click


@click.group("import")
def import_group():
    """Import data from CSV files (all-or-nothing)."""
