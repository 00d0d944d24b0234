"""Who may enter measurements and open the KPI pages: the access rules of the KPI domain (:data:`RULES`)."""
from dualdash.kpis.models import KPI
from dualdash.org import settings as org_settings
from dualdash.org.access import my_subtree, viewer_of
from dualdash.shared.access import Need, Rule, define_rules


def may_enter_measurements(viewer=None):
    """Admins (for anyone), managers (for the people below them), anyone for themselves when the
    organization allows self-reporting. Which values exactly: :class:`dualdash.kpis.measurements.Writer`."""
    viewer = viewer_of(viewer)
    return viewer is not None and (viewer.is_admin or bool(my_subtree(viewer))
                                   or org_settings.get().self_reporting)


# --- the rules of the KPI pages ------------------------------------------------------------------

NOT_ALLOWED_TO_ENTER = (
    "There is no one you may enter measurements for. Managers enter values for the people below them and "
    "admins for anyone; this organization does not allow self-reporting (entering your own values). Ask your "
    "manager or an admin to enter them.")


def _kpi_by_key(value, viewer, loaded):
    return KPI.get_or_none(KPI.key == value)


#: The access rules of the KPI pages, by name.
RULES = define_rules({
    "enter_measurements": Rule(
        "signed_in", "admins, managers, and everyone when the organization allows self-reporting",
        check=may_enter_measurements, denied=NOT_ALLOWED_TO_ENTER),
    "rank_stack": Rule(
        "signed_in", "anyone signed in, on a KPI (`kpi_key`); the organization's setting decides what a "
                     "member sees of the others",
        needs=(Need("kpi", "kpi_key", _kpi_by_key, missing="There is no KPI with the key “{value}”."),)),
}, __name__)
