"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("admin_settings", __name__)
