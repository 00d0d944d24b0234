"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("results_drivers", __name__)
