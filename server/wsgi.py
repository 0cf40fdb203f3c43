"""Production serving with gunicorn (``shnor-kg serve --workers N``).

Limits: request line and header sizes (gunicorn's own, 400 past them), body size through Flask's
MAX_CONTENT_LENGTH (413), a worker timeout above the query time limit, keep-alive and graceful
shutdown timeouts. Access logs are our JSON lines (gunicorn's own access log stays off).
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from ..config import Config

GUNICORN_SETTINGS = {
    "worker_class": "gthread",
    "limit_request_line": 8190,
    "limit_request_fields": 100,
    "limit_request_field_size": 8190,
    "graceful_timeout": 20,
    "keepalive": 5,
}


class _Gunicorn(BaseApplication):
    def __init__(self, config: Config) -> None:
        self.shnor_config = config
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"{self.shnor_config.host}:{self.shnor_config.port}")
        self.cfg.set("workers", self.shnor_config.workers)
        self.cfg.set("threads", self.shnor_config.threads)
        self.cfg.set("timeout", int(self.shnor_config.query_timeout * 3) + 10)
        for key, value in GUNICORN_SETTINGS.items():
            self.cfg.set(key, value)

    def load(self):
        from . import warmup
        from .app import create_app
        from .security import configure_access_log

        configure_access_log()
        app = create_app(self.shnor_config)
        warmup.install(app)
        return app


def run_gunicorn(config: Config) -> None:
    """Run the app under gunicorn with ``config.workers`` worker processes (blocks)."""
    _Gunicorn(config).run()
