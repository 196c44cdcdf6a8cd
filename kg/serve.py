"""Run the web app under gunicorn (a production WSGI server): several processes, each with
request threads and as many query worker processes (see :mod:`kg.web.workers`); the worker
class and access logger are :mod:`kg.web.httpserver`'s."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from kg.backends import is_remote, open_store
from kg.config import Settings
from kg.store import StoreError


def _warm_up(worker: Any) -> None:
    """gunicorn ``post_worker_init`` hook: before the first request, open the served generation
    in this process (for the fast path) and start the query workers with it open too."""
    from kg.web import jobs, workers
    from kg.web.graph import StoreHandle

    flask_app = worker.wsgi
    job = None
    try:
        with flask_app.app_context():
            served = flask_app.extensions["kg.graph"].current()
        if isinstance(served.store, StoreHandle):
            served.store.store  # noqa: B018 - opens it
            job = jobs.QueryJob("ASK {}", served.store.path)
    except Exception as err:  # the first request will try again (and report)
        worker.log.warning("could not open the served generation yet: %s", err)
    try:
        workers.pool(worker.app.settings.threads).warm_up(job)
    except Exception as err:  # the first request will try again (and report)
        worker.log.warning("could not start the query workers yet: %s", err)
    # what is loaded by now lives as long as the process: out of the collector's way, a full
    # collection (a pause in some request) walks only what requests allocate
    gc.collect()
    gc.freeze()


class _Server(BaseApplication):
    """gunicorn application configured from code instead of a config file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        from kg.web import httpserver

        s = self.settings
        for key, value in {
            "bind": f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}",
            "workers": max(1, s.workers // 2),
            "worker_class": httpserver.KeepAliveWorker,
            "threads": s.threads,
            "timeout": int(s.query_timeout) + 30,
            "graceful_timeout": 10,
            "limit_request_line": 8190,
            "accesslog": "-",
            "access_log_format": httpserver.ACCESS_LOG_FORMAT,
            "logger_class": httpserver.AccessLogger,
            "proc_name": "kg-serve",
            "post_worker_init": _warm_up,
            # the heartbeat touches a file per event loop turn: on a busy disk that can stall
            # the loop; tmpfs never does (gunicorn's own advice)
            "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        }.items():
            self.cfg.set(key, value)

    def load(self):
        from kg.web import create_app

        return create_app(self.settings)


def serve(settings: Settings) -> None:
    """Serve ``settings.store`` on ``settings.host:settings.port`` until interrupted.

    Raises :class:`kg.web.auth.ConfigError` for unsafe write settings (checked before binding).
    """
    from kg.web.auth import check_settings

    if settings.writable and is_remote(settings.store):
        raise StoreError(f"{settings.store}: --writable is not available with a remote store; "
                         "write to the remote server itself")
    store = open_store(settings.store, settings)
    if not store.exists():
        raise StoreError(f"{settings.store}: no graph built yet (run `kg build --store {settings.store}` first)")
    for warning in check_settings(settings):
        print(f"kg: {warning}", file=sys.stderr)
    mode = "read-write (SPARQL Update at /sparql, Graph Store at /store)" if settings.writable else "read-only"
    print(f"kg: serving {settings.store} ({store.current_name()}) on http://{settings.host}:{settings.port}/ "
          f"[{mode}; query timeout {settings.query_timeout:g} s; max {settings.max_results} results]",
          file=sys.stderr)
    _Server(settings).run()
