"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("measurement_entry", __name__)
