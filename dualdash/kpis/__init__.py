"""KPIs and what judges them: benchmarks, band rules, periods, measurements (the store, the CSV import,
the bulk load), scorecards, rank stacks, the entry grid, and their pages. Uses the organization
(``dualdash.org``); never the coaching domain."""
import logging

from peewee import DatabaseError

from dualdash.db import get_db
from dualdash.kpis import access  # noqa: F401 (defines the access rules its pages name)
from dualdash.kpis.models import KPI, Benchmark, Scorecard
from dualdash.org import uses
from dualdash.plugins.manager import PluginError

log = logging.getLogger(__name__)


@uses.uses_of_role
def _role_uses(role, level_ids):
    return [(Scorecard.select().where(Scorecard.role == role.id).count(), "scorecard", "scorecards"),
            (Benchmark.select().where((Benchmark.role == role.id) | Benchmark.level.in_(level_ids)).count(),
             "benchmark", "benchmarks")]


@uses.uses_of_level
def _level_uses(level):
    return [(Benchmark.select().where(Benchmark.level == level.id).count(), "benchmark is", "benchmarks are")]


@uses.uses_of_team
def _team_uses(team):
    return [(Scorecard.select().where(Scorecard.team == team.id).count(), "scorecard", "scorecards")]


def init_app(app):
    """Register the KPI pages."""
    # scorecard_charts and team_scorecard add their routes to the scorecard pages' blueprint: they are
    # imported before it is registered.
    from dualdash.kpis.views import (  # noqa: F401
        admin_benchmarks,
        admin_kpis,
        admin_scorecards,
        measurement_entry,
        rank_stacks,
        scorecard_charts,
        scorecard_pages,
        team_scorecard,
    )
    for module in (scorecard_pages, measurement_entry, rank_stacks, admin_kpis, admin_benchmarks,
                   admin_scorecards):
        app.register_blueprint(module.bp)


def check_band_rules(app, fw):
    """A KPI whose band rule no plugin defines would be banded by nothing: say so at start-up."""
    db = get_db(app)
    try:
        with db.connection_context():
            if "kpi" not in db.get_tables():
                return
            missing = (KPI.select(KPI.key, KPI.band_rule)
                       .where(KPI.band_rule.not_in(list(fw.band_rules) or [""])).tuples())
            for key, rule in missing:
                fw.errors.append(PluginError(
                    "(none)", "dualdash_band_rules",
                    f"KPI '{key}' uses band rule '{rule}', which no loaded plugin defines "
                    "(was the plugin that provides it removed or disabled?)"))
    except DatabaseError as exc:
        log.warning("Could not check the KPIs' band rules at start-up: %s", exc)
