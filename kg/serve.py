"""Run the web app under gunicorn (a production WSGI server): several processes, each with
request threads and as many query worker processes (see :mod:`kg.web.workers`)."""

from __future__ import annotations

import sys

from gunicorn.app.base import BaseApplication

from kg.config import Settings
from kg.store import GenerationStore, StoreError


def _warm_up(worker) -> None:
    """gunicorn ``post_worker_init`` hook: start the query workers before the first request."""
    from kg.web import workers

    try:
        workers.pool(worker.app.settings.threads).warm_up()
    except Exception as err:  # the first request will try again (and report)
        worker.log.warning("could not start the query workers yet: %s", err)


class _Server(BaseApplication):
    """gunicorn application configured from code instead of a config file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        for key, value in {
            "bind": f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}",
            "workers": max(1, s.workers // 2),
            "worker_class": "gthread",
            "threads": s.threads,
            "timeout": int(s.query_timeout) + 30,
            "graceful_timeout": 10,
            "limit_request_line": 8190,
            "accesslog": "-",
            "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
            "proc_name": "kg-serve",
            "post_worker_init": _warm_up,
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

    store = GenerationStore(settings.store)
    if not store.exists():
        raise StoreError(f"{settings.store}: no graph built yet (run `kg build --store {settings.store}` first)")
    for warning in check_settings(settings):
        print(f"kg: {warning}", file=sys.stderr)
    mode = "read-write (SPARQL Update at /sparql, Graph Store at /store)" if settings.writable else "read-only"
    print(f"kg: serving {settings.store} ({store.current_name()}) on http://{settings.host}:{settings.port}/ "
          f"[{mode}; query timeout {settings.query_timeout:g} s; max {settings.max_results} results]",
          file=sys.stderr)
    _Server(settings).run()
