#!/usr/bin/env bash
# Set up everything the tests need (Python packages, Chromium, fonts), then lint and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase's seconds go to stderr, so a slow run says where its time went.
phase() { echo "[test.sh] $1: $((SECONDS - phase_start)) s" >&2; phase_start=$SECONDS; }
phase_start=$SECONDS
source scripts/venv.sh requirements-dev.txt
phase "Python packages"

system_chromium() {
    for candidate in "${CHROMIUM_PATH:-}" /usr/lib/chromium/chromium /usr/bin/chromium; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
    done
    return 1
}

# The browser tests drive chromium-headless-shell (the same Chromium, less CPU a test; tests/e2e/__init__.py).
packages="chromium chromium-headless-shell fonts-liberation fonts-dejavu-extra"
if command -v apt-get >/dev/null && command -v dpkg >/dev/null; then
    if ! dpkg -s $packages >/dev/null 2>&1; then
        if need_root true 2>/dev/null; then
            need_root apt-get update -qq
            need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
        fi
    fi
fi
if ! system_chromium >/dev/null; then
    # No system Chromium and no apt: Playwright's own build (needs its download site).
    .venv/bin/python -m playwright install chromium
fi

phase "Chromium and fonts"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
phase "lint"
# The pure script modules (node 20's own runner; set -e stops here when one fails).
node --test tests/js/
phase "node --test"
# One worker a core (xdist's "auto"; PYTEST_WORKERS=n to choose). tests/conftest.py hands out the
# server and browser tests first, so the workers finish together. Any failure stops here with
# pytest's own code; so does 5, "no tests collected" (a filter that matches nothing is no pass).
status=0
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@" || status=$?
phase "pytest"
if [ "$status" = 5 ]; then
    echo "pytest collected no tests: nothing was checked." >&2
fi
exit "$status"
