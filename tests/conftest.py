pytest_plugins = ["dualdash.testing"]
