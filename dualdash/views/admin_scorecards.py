"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("admin_scorecards", __name__)
