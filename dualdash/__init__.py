"""Dual Dash: coach people with KPIs, Performance Drivers and Role Skills."""
from .app import create_app

__all__ = ["create_app"]
