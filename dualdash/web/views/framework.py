"""What the plugins define, shown to people: the drivers (everyone) and the plugins page (admins)."""
import datetime

from flask import Blueprint, render_template, request
from flask_login import current_user
from wtforms import SelectChoice

from dualdash.kpis.bands import judge
from dualdash.plugins import manager as plugins
from dualdash.plugins.types import BenchmarkInfo, KPIInfo, Period, PersonInfo, Situation
from dualdash.shared.access import allow
from dualdash.web.forms.framework import BandRuleTryForm

bp = Blueprint("framework", __name__)


@bp.route("/drivers")
@allow("signed_in")
def drivers():
    """The organization's Performance Drivers, what good looks like, their scales and questions."""
    fw = plugins.current()
    questions = {key: fw.questions_for(Situation.DRIVER, driver=key) for key in fw.drivers}
    return render_template("web/framework/drivers.html", drivers=list(fw.drivers.values()), questions=questions)


@bp.route("/admin/plugins")
@allow("admin")
def plugin_list():
    """Each loaded plugin, where it came from and its hooks; then everything they define."""
    fw = plugins.current()
    form = BandRuleTryForm(request.args)
    form.rule.choices = [SelectChoice(name, f"{rule.label} ({name})") for name, rule in fw.band_rules.items()]
    judgement = None
    if request.args and form.validate():
        judgement = judge(form.rule.data, float(form.value.data), _try_kpi(form), _try_benchmark(form),
                          _try_person(), _try_period())
    by_situation = [(s, [q for q in fw.questions if q.situation == s]) for s in Situation]
    return render_template("web/framework/plugins.html", fw=fw, form=form, judgement=judgement,
                           by_situation=by_situation, tried=bool(request.args)), \
        400 if request.args and form.errors else 200


def _try_kpi(form):
    return KPIInfo(key="try_out", name="Try-out", direction=form.direction.data)


def _try_benchmark(form):
    meets = float(form.meets.data) if form.meets.data is not None else None
    exceeds = float(form.exceeds.data) if form.exceeds.data is not None else None
    return BenchmarkInfo(meets=meets, exceeds=exceeds) if meets is not None or exceeds is not None else None


def _try_person():
    """The admin trying the rule stands in for the person measured."""
    return PersonInfo(id=current_user.id, name=current_user.name, email=current_user.email,
                      start_date=current_user.start_date)


def _try_period():
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday())
    return Period(start=monday, end=monday + datetime.timedelta(days=6), cadence="weekly")
