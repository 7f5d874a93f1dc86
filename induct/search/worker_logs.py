"""Log records of worker processes, sent to the parent and emitted there.

A worker (a local pool process or a Ray task) runs with :func:`forwarding_logs`, which
catches the records of the ``induct`` loggers at the level the parent asked for and hands
them, as plain dictionaries, to a ``send`` function (the pipe, or the Ray backend's sink).
The parent passes each dictionary to :func:`emit`, which re-creates the record and gives
it to the logger of the same name, so the parent's handlers (a run's log file, the
console) see workers' messages as if they were its own, with the worker's process id.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Callable, Iterator

__all__ = ["forwarding_logs", "emit", "parent_level", "LOGGER"]

LOGGER = "induct"
"""The logger whose records (and its children's) workers forward."""


def parent_level() -> int:
    """The level below which the parent would drop an ``induct`` record: what to forward."""
    return logging.getLogger(LOGGER).getEffectiveLevel()


class _Forward(logging.Handler):
    def __init__(self, send: Callable[[dict], None], level: int) -> None:
        super().__init__(level)
        self.send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            data = {"name": record.name, "levelno": record.levelno, "levelname": record.levelname,
                    "msg": record.getMessage(), "pathname": record.pathname, "lineno": record.lineno,
                    "funcName": record.funcName, "created": record.created, "process": record.process,
                    "processName": record.processName, "threadName": record.threadName}
            if record.exc_info:
                data["exc_text"] = logging.Formatter().formatException(record.exc_info)
            self.send(data)
        except Exception:  # a log record must never break the search
            self.handleError(record)


@contextlib.contextmanager
def forwarding_logs(send: Callable[[dict], None], level: int) -> Iterator[None]:
    """Inside, ``induct`` records at ``level`` or above go to ``send`` (and not to this process's handlers)."""
    logger = logging.getLogger(LOGGER)
    handler = _Forward(send, level)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False  # the parent shows them; a worker's own stderr would show them twice
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def emit(data: dict) -> None:
    """Emit a forwarded record through the parent's logger of the same name."""
    record = logging.makeLogRecord(dict(data, args=None, exc_info=None))
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)
