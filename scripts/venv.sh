# Sourced by serve.sh and test.sh: make .venv (Python 3.11+) and install the given requirements file.
set -euo pipefail

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Python 3.11 or newer is needed (found: $("$python" --version 2>&1))." >&2
    exit 1
}
if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv 2>/dev/null; then
        # Debian and Ubuntu ship venv separately.
        rm -rf .venv
        need_root apt-get update -qq
        need_root apt-get install -y -qq "python3-venv" >/dev/null
        "$python" -m venv .venv
    fi
fi
requirements=$1
stamp=.venv/.installed-$(cat requirements*.txt "$requirements" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    # uv installs the requirements about ten times as fast as pip (it fetches and unpacks in parallel
    # and compiles nothing); pip, which every venv has, installs uv itself.
    .venv/bin/python -m pip install -q uv
    .venv/bin/uv pip install -q --python .venv/bin/python -r "$requirements"
    touch "$stamp"
fi
