"""Run the web app under gunicorn (a production WSGI server) with several workers."""

from __future__ import annotations

import sys

from gunicorn.app.base import BaseApplication

from kg.config import Settings
from kg.store import GenerationStore, StoreError


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
            "threads": 4,
            "timeout": int(s.query_timeout) + 30,
            "graceful_timeout": 10,
            "accesslog": "-",
            "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
            "proc_name": "kg-serve",
        }.items():
            self.cfg.set(key, value)

    def load(self):
        from kg.web import create_app

        return create_app(self.settings)


def serve(settings: Settings) -> None:
    """Serve ``settings.store`` on ``settings.host:settings.port`` until interrupted."""
    store = GenerationStore(settings.store)
    if not store.exists():
        raise StoreError(f"{settings.store}: no graph built yet (run `kg build --store {settings.store}` first)")
    print(f"kg: serving {settings.store} ({store.current_name()}) on http://{settings.host}:{settings.port}/",
          file=sys.stderr)
    _Server(settings).run()
