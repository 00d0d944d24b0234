"""Charts drawn on the server as SVG, so they work without JavaScript and print."""
