"""The Flask views: the JSON API and the pages. Each is thin: it hands a request to `webapp.service` or
`webapp.presentation.page` and the result to `jsonify` or a template."""
