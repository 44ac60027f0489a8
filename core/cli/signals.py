"""Stopping the command cleanly when a service manager asks: SIGTERM is handled like SIGINT.

Docker, systemd and Kubernetes stop a process with SIGTERM (then SIGKILL after a grace
period). :func:`install` makes SIGTERM raise :class:`Terminated` in the main thread, a
:class:`KeyboardInterrupt`, so it unwinds exactly like Ctrl-C: ``asyncio.run`` cancels the
batch, the supervisor kills its workers, ``with engine:`` stops the pool, and the command
exits with :func:`exit_code` (130 for SIGINT, 143 for SIGTERM) and one line, no traceback.

A second SIGTERM while the first unwinds is ignored, so the clean-up is not interrupted
half-way (a manager that loses patience sends SIGKILL; the workers' parent-death signal
covers that case). After the command, the previous handler is back (by default SIGTERM
then ends the process at once, which is harmless: the workers are already stopped).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Terminated", "exit_code", "handled", "install"]


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, _ignore)  # the first one is enough: let clean-up finish
    raise Terminated(signum)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """A later SIGTERM while the first one unwinds: nothing to add."""


def install() -> bool:
    """Handle SIGTERM like SIGINT from now on; ``False`` outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGTERM, _on_sigterm)
    return True


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` inside the block; the previous handler after it.

    Once the command's work is over only interpreter clean-up is left (the workers are
    already stopped): a SIGTERM then must not raise into multiprocessing's finalizers,
    and a host that called :func:`candlescan.cli.main` keeps its own handler.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    install()
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def exit_code(exc: KeyboardInterrupt) -> int:
    """Say why the command stopped (one line on stderr) and return ``128 + signal``."""
    if isinstance(exc, Terminated):
        print("candlescan: terminated", file=sys.stderr)
        return 128 + int(exc.signum)
    print("candlescan: interrupted", file=sys.stderr)
    return 128 + int(signal.SIGINT)
