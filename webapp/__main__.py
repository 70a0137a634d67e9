"""`python -m webapp` (or `backprop-visualizer`): serve the app on http://127.0.0.1:8000 (see `webapp.web.server`)."""

from webapp.web.server import main

if __name__ == "__main__":
    main()
