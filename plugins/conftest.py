"""The Dual Dash test fixtures (app, sample_org, as_admin, ...) for the example plugins' tests."""
pytest_plugins = ["dualdash.testing"]
