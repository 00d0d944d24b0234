"""Dates, times and numbers are written one way, through the template filters every page uses."""
import datetime

from flask import render_template_string

from dualdash.shared import formats


def test_dates_times_and_numbers_have_one_written_form():
    day, moment = datetime.date(2026, 12, 4), datetime.datetime(2026, 12, 7, 9, 30)
    assert formats.date_text(day) == "4 Dec 2026"
    assert formats.date_text(moment, "short") == "7 Dec"
    assert formats.date_text(day, "weekday") == "Fri 4 Dec 2026"
    assert formats.datetime_text(moment) == "Mon 7 Dec 2026, 09:30"
    assert formats.iso_text(moment) == "2026-12-07T09:30"
    assert formats.number_text(1234.56, 1) == "1,234.6"
    assert formats.number_text(-0.01, 1) == "0.0"
    assert formats.number_text(1234.25, 1, grouping=False) == "1234.2"
    assert formats.currency_text(1234, "USD") == "$1,234"
    assert formats.currency_text(1234.5, "EUR", 2) == "€1,234.50"
    assert formats.date_text(None) == formats.number_text(None) == formats.currency_text(None, "USD") == ""


def test_the_far_ends_of_the_accepted_dates_are_written_too():
    assert formats.date_text(datetime.date(1900, 1, 1)) == "1 Jan 1900"
    assert formats.date_text(datetime.date(2100, 12, 31), "weekday") == "Fri 31 Dec 2100"


def test_templates_use_the_filters(app):
    with app.test_request_context():
        html = render_template_string("{{ d|date_text }} · {{ m|datetime_text }} · {{ n|number_text(2) }}",
                                      d=datetime.date(2026, 1, 5), m=datetime.datetime(2026, 1, 5, 14, 0),
                                      n=0.5)
    assert html == "5 Jan 2026 · Mon 5 Jan 2026, 14:00 · 0.50"
