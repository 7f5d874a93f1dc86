"""Semantics for the search-driver tests: primitives that hang or kill their process."""

import os
import time

from induct.programs.limits import MAX_INT


def _hang(n):
    time.sleep(60)  # ignores every evaluation limit on purpose
    return n


def _crash(n):
    os._exit(3)


def _inc(n):
    if n >= MAX_INT:
        raise OverflowError
    return n + 1


PRIMITIVES = {"hang": _hang, "crash": _crash, "inc": _inc, "double": lambda n: 2 * n, "zero": 0}


def _boom(n):
    # Kills its own process, but only on a large argument: programs built from it are deeper
    # (so enumerated later) than the ones that solve the tests' small tasks.
    if n >= 16:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)
    return n


PRIMITIVES["boom"] = _boom


def _spin(n):
    end = time.monotonic() + 60
    while time.monotonic() < end:  # busy in Python, calling nothing that charges the budget
        pass
    return n


PRIMITIVES["spin"] = _spin


def _nap(n):
    # Like "boom", reached only by programs deeper than the small tasks' solutions; instead of
    # dying it leaves its process id in $HAZARD_NAP_DIR and sleeps, for a test to kill it there.
    if n >= 16:
        folder = os.environ.get("HAZARD_NAP_DIR")
        if folder:
            with open(os.path.join(folder, str(os.getpid())), "w"):
                pass
        time.sleep(60)
    return n


PRIMITIVES["nap"] = _nap


def _chatty(n):
    # Logs (once per process) through an induct logger, as library code in a worker would.
    import logging

    if not _CHATTED:
        _CHATTED.append(n)
        logging.getLogger("induct.hazard").warning("chatty ran in process %d", os.getpid())
    return n


_CHATTED = []
PRIMITIVES["chatty"] = _chatty
