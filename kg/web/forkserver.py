"""A fork server for query workers: a clean process that has imported the executor once.

Forking a query worker from a server process would copy its threads' locks; starting a new
interpreter per worker costs half a second. So each server process starts one fork server
(a fresh interpreter, see :func:`main`) that imports :mod:`kg.web.executor`
and then, for every request on its control socket, forks a worker in milliseconds. The
request carries the worker's end of a socket pair (``SCM_RIGHTS``); the answer is its pid.

Unlike ``multiprocessing``'s forkserver this never re-imports the caller's ``__main__``.
Workers are reaped by the kernel (``SIGCHLD`` ignored) and get ``SIGKILL`` when the fork
server dies, which it does when its parent goes away (end of file on the control socket;
not ``PR_SET_PDEATHSIG``, which would fire when the *thread* that started it ends).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import struct
import sys

PID = struct.Struct("q")
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers still exit on end of file
        pass


def _child(control: socket.socket, fd: int) -> None:
    from multiprocessing.connection import Connection

    from kg.web import executor

    control.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() == 1:
        os._exit(0)
    code = 0
    try:
        executor.main(Connection(fd))
    except BaseException:  # the worker must never return into the fork server's loop
        code = 1
    os._exit(code)


def serve(control: socket.socket) -> None:
    """Fork a worker for each file descriptor received on ``control`` until it closes."""
    import kg.web.executor  # noqa: F401 - preloaded so that forks start warm

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1, 1)
        except OSError:
            return
        if not message:
            return
        if not fds:
            continue
        pid = os.fork()
        if pid == 0:
            _child(control, fds[0])
        os.close(fds[0])
        control.sendall(PID.pack(pid))


def main() -> None:
    """Entry point (``python -c "from kg.web.forkserver import main; main()" FD``): the control socket is FD."""
    fd = int(sys.argv[1])
    serve(socket.socket(fileno=fd))


