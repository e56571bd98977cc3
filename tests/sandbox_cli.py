"""Start ``python -m sandbox`` in its own process, the way a person runs it.

Shared by the tests that need a real process to kill, a real stderr log to read or a real socket to inspect
(durability, kill-during-writes, the log's secrets, the loopback bind).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve(*args: str, stderr: int = subprocess.PIPE) -> tuple[subprocess.Popen[str], str]:
    """The CLI on a free port with ``args`` (``--db PATH`` or ``--memory``), and the api_base it printed.

    The caller stops the process; if it never says where it listens, it is killed here before the assert.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"listening on (http://\S+)", line)
    if not found:
        process.kill()
        process.wait(timeout=10)
    assert found, line
    return process, found.group(1)
