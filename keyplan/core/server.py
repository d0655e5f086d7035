"""Run the WSGI application under gunicorn from inside the `keyplan` command."""

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        from keyplan.wsgi import application

        return application


def run(
    *, host: str, port: int, workers: int = 2, threads: int = 4, access_log: bool = False
) -> None:
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "errorlog": "-",
        "loglevel": "warning",
    }
    if access_log:
        options["accesslog"] = "-"
    _Server(options).run()
