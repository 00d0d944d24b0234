"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("admin_kpis", __name__)
