"""The forms of the shell's pages: sign-in, password, tokens, audit filters, settings, dashboard."""
