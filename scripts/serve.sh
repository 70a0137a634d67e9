#!/usr/bin/env bash
# Set up (first run only) and serve the app on http://127.0.0.1:8000. Extra arguments go to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements.txt
exec .venv/bin/python -m webapp "$@"
