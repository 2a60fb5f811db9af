#!/usr/bin/env bash
# Creates bench/.venv (git-ignored) with matplotlib, which bench/plot.py uses to draw
# bench/ratios.png. bench/run.py calls this when the venv is missing; it needs pip's
# access to PyPI once. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
if ! .venv/bin/python -c "import matplotlib" 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check matplotlib
fi
.venv/bin/python -c "import matplotlib; print('matplotlib', matplotlib.__version__)"
