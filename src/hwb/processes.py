"""Whether a process is still running: how scratch left by a killed run is told from a live
run's (named with its process id).

A foundation module like :mod:`hwb.paths`: it imports nothing of :mod:`hwb`.
"""

from __future__ import annotations

import os

#: The termination signals (SIGTERM, SIGHUP) this process received and turned into an
#: interruption (:func:`hwb.cli.stop_on_termination`); empty for Ctrl-C, which reaches every
#: process of the terminal's group by itself.
TERMINATED: list[int] = []


def alive(pid: int) -> bool:
    """True while process ``pid`` exists (including one of another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # Windows: no such process
        return False
    return True
