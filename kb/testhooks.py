"""A test hook: stop a process at a named point so that a test can kill it there.

When the environment variable ``POLICYKB_TEST_PAUSE`` names the point, the
process writes its id into the file ``POLICYKB_TEST_PAUSE_MARKER`` (when set),
says ``policykb: test pause at <point>`` on stderr and sleeps
``POLICYKB_TEST_PAUSE_SECONDS`` (600).  Points: the build's ``start``,
``extract``, ``index`` and ``swap`` (kb.pipeline, kb.index, kb.generations);
the corpus writer's ``part_written``, ``raw_written``, ``manifest_tmp_written``,
``manifest_written`` and ``removed_from_manifest`` (kb.corpus).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

PAUSE_ENV = "POLICYKB_TEST_PAUSE"


def pause_point(name: str) -> None:
    """Stop here when the test hook names this point (see the module docstring)."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    marker = os.environ.get(PAUSE_ENV + "_MARKER")
    if marker:
        part = Path(marker + ".part")
        part.write_text(str(os.getpid()), encoding="ascii")
        os.replace(part, marker)
    sys.stderr.write(f"policykb: test pause at {name}\n")
    sys.stderr.flush()
    time.sleep(float(os.environ.get(PAUSE_ENV + "_SECONDS", "600")))
