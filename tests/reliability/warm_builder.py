"""A parent process that loads the spaCy pipeline once and forks real ``kg build`` runs from it.

Loading the pipeline takes most of a cold ``kg build`` (about 12 s of 14 s on the seed
corpus), which would make 20 kill runs take many minutes. Each forked child runs exactly
``kg.cli.main(["build", ...])`` — the same code as the ``kg`` command — with the pipeline
already in memory. The parent, not the test, kills the child, so the pid cannot have been
reused by an unrelated process.

Protocol (JSON lines): the test writes ``{"args": [...], "log": path, "kill_after": s|null,
"fsize": bytes|null}``; the parent answers ``{"status": exit code or -signal, "killed": bool,
"seconds": float}``. The child's stdout and stderr go to ``log`` (``.out`` / ``.err``).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time


def _child(request: dict) -> None:
    out = os.open(request["log"] + ".out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err = os.open(request["log"] + ".err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(out, 1)
    os.dup2(err, 2)
    if request.get("fsize"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (request["fsize"], request["fsize"]))
    code = 1
    try:
        from kg.cli import main

        code = main(request["args"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # a traceback is a test failure: print it where the test looks
        import traceback

        traceback.print_exc()
        code = 99
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _run(request: dict) -> dict:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(request)
    deadline = None if request.get("kill_after") is None else started + request["kill_after"]
    killed = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if deadline is not None and time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            killed = True
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0.001)
    code = os.waitstatus_to_exitcode(status)
    return {"status": code, "killed": killed and code == -signal.SIGKILL, "seconds": time.monotonic() - started}


def main() -> None:
    from kg.build import extractor_fingerprint
    from kg.extract import _pipeline

    model = sys.argv[1]
    _pipeline(model)
    extractor_fingerprint(model)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        print(json.dumps(_run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
