"""Plugins: the hook specifications (:mod:`~dualdash.plugins.hookspecs`), the value types plugins return
(:mod:`~dualdash.plugins.types`), the plugin manager that finds and loads them
(:mod:`~dualdash.plugins.manager`), the checks of what they define (:mod:`~dualdash.plugins.checks`) and
the built-in defaults, which are plugins too (:mod:`~dualdash.plugins.defaults`).

Plugin authors import only ``from dualdash import hookimpl`` (and the value types, ``allow``)."""
