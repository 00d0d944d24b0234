"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("driver_ratings", __name__)
