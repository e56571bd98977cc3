# Sourced by scripts/start and scripts/test: picks the Python to install into and run with.
#
# Why: on a machine whose system Python is "externally managed" (PEP 668, e.g. Debian's /usr/bin/python3),
# `pip install` refuses to touch it. There we create and use a project virtualenv (.venv) instead of
# forcing the install; everywhere else (pyenv, conda, an activated venv, CI images) we use python3 as is.
PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "error: $PYTHON not found. Install Python 3.11+ and try again." >&2
    exit 1
fi
if "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then :; else
    echo "error: Python 3.11 or newer is needed; $("$PYTHON" --version 2>&1) found." >&2
    exit 1
fi
_externally_managed="$("$PYTHON" - <<'PY'
import os, sys, sysconfig
in_venv = sys.prefix != sys.base_prefix
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
print("yes" if os.path.exists(marker) and not in_venv else "no")
PY
)"
if [ "$_externally_managed" = "yes" ]; then
    if [ ! -x .venv/bin/python ]; then
        echo "System Python is externally managed (PEP 668): creating .venv for the project."
        "$PYTHON" -m venv .venv
    fi
    PYTHON="$PWD/.venv/bin/python"
fi
export PYTHON
