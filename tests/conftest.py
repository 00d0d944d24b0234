# The fixtures come from the test kit; installing the package also registers it as a pytest plugin,
# and naming it here keeps the suite working when run from a source tree.
pytest_plugins = ["dualdash.testing"]
