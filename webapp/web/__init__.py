"""HTTP around the views: the server (granian), response headers, compression, admission of heavy runs,
strict JSON. Nothing here knows about networks."""
