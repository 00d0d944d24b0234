"""Placeholder: filled in next."""
from flask import Blueprint

bp = Blueprint("rank_stacks", __name__)
