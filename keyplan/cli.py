"""The `keyplan` command: Django's management commands plus keyplan's own
(demo, serve, plan, generate)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyplan.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "keyplan"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
