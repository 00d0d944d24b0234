"""The built-in plugins: the defaults are registered through the same hooks as any plugin.

They keep the names they had before they moved here (``dualdash.defaults.drivers``, …): block one
with the DISABLED_PLUGINS setting (e.g. ``["dualdash.defaults.drivers"]``)."""
