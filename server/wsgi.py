"""Production serving with gunicorn (``shnor-kg serve --workers N``)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from ..config import Config


class _Gunicorn(BaseApplication):
    def __init__(self, config: Config) -> None:
        self.shnor_config = config
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"{self.shnor_config.host}:{self.shnor_config.port}")
        self.cfg.set("workers", self.shnor_config.workers)
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("threads", 4)
        self.cfg.set("timeout", int(self.shnor_config.query_timeout * 3) + 10)

    def load(self):
        from .app import create_app

        return create_app(self.shnor_config)


def run_gunicorn(config: Config) -> None:
    """Run the app under gunicorn with ``config.workers`` worker processes."""
    _Gunicorn(config).run()
