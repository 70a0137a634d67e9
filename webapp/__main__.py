"""`python -m webapp`: serve the app with waitress on http://127.0.0.1:8000."""

import argparse

from waitress import serve

from webapp import create_app
from webapp.charts import figure_json


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve Backprop Visualizer.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    app = create_app()
    figure_json()  # built once, before the first visitor waits for it
    print(f"Backprop Visualizer on http://{args.host}:{args.port}/", flush=True)
    serve(app, host=args.host, port=args.port, threads=4)


if __name__ == "__main__":
    main()
