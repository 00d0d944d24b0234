"""Placeholder: filled in next."""
