"""HTTP around the views: the waitress server, response headers, compression, admission of heavy runs,
strict JSON. Nothing here knows about networks."""
