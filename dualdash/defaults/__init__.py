"""The built-in plugins: the defaults are registered through the same hooks as any plugin.

Block one with the DISABLED_PLUGINS setting (e.g. ``["dualdash.defaults.drivers"]``)."""
