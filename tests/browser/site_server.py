"""Serve a Dual Dash app for the browser tests, in its own process.

Usage: ``python site_server.py PORT_FILE`` with the app's settings as JSON in the environment variable
``DUALDASH_SITE_CONFIG``. The production WSGI server (waitress) listens on a free port of 127.0.0.1, and
the port is written to PORT_FILE once it accepts connections. The process runs until it is terminated."""
import json
import os
import sys
from pathlib import Path

from waitress import create_server

from dualdash import create_app


def main(port_file):
    app = create_app(json.loads(os.environ["DUALDASH_SITE_CONFIG"]))
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    # Written to a temporary name and renamed, so the test never reads half a number.
    partial = Path(port_file + ".partial")
    partial.write_text(str(server.effective_port))
    partial.rename(port_file)
    server.run()


if __name__ == "__main__":
    main(sys.argv[1])
