"""What goes wrong with plugins: one fault (:class:`PluginError`) and the start-up failure that lists them."""


class PluginError(Exception):
    """One plugin fault: which plugin, in which hook (if any), and why."""

    def __init__(self, plugin, hook, cause):
        self.plugin, self.hook, self.cause = plugin, hook, cause
        where = f" in hook {hook}" if hook else ""
        super().__init__(f"plugin '{plugin}'{where}: {cause}")


class PluginsFailed(RuntimeError):
    """Raised by ``create_app`` when plugins cannot be loaded or define something malformed."""

    def __init__(self, errors):
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"Dual Dash cannot start: {len(errors)} plugin problem(s):\n{lines}\n"
                         "Fix or remove the plugin, or block it with DISABLED_PLUGINS.")
