"""Run the WSGI application under gunicorn from inside the `keyplan` command."""

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from keyplan.wsgi import application

        return application


def run(*, host: str, port: int, workers: int = 2, threads: int = 4, access_log=False) -> None:
    options = {
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
