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
