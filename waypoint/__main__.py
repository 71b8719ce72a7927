"""``waypoint …`` and ``python -m waypoint …``: Django's manage.py under the project's name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    from django.core.management import execute_from_command_line

    from waypoint.lib.env import ConfigurationError

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "waypoint"
    serving = len(argv) > 1 and argv[1] == "serve"
    if serving:
        argv[1] = "runserver"
        argv = _serve_arguments(argv)
    try:
        if serving:
            _check_before_serving()
        execute_from_command_line(argv)
    except ConfigurationError as exc:
        sys.stderr.write(f"waypoint: configuration error: {exc}\n")
        sys.exit(2)


def _check_before_serving() -> None:
    """Refuse to start on a failed system check (such as a master key that does not match the
    database): runserver's reloader would print the error and then wait for file changes."""
    import django
    from django.core.management.base import BaseCommand, SystemCheckError

    django.setup()
    try:
        BaseCommand().check()
    except SystemCheckError as error:
        sys.stderr.write(f"waypoint: {error}\n")
        sys.exit(1)


def _serve_arguments(argv: list[str]) -> list[str]:
    """Turn ``serve [--host H] [--port P]`` into runserver's ``H:P`` address."""
    host, port, rest = "127.0.0.1", "8000", []
    args = iter(argv[2:])
    for arg in args:
        if arg == "--host":
            host = next(args, host)
        elif arg == "--port":
            port = next(args, port)
        else:
            rest.append(arg)
    return [*argv[:2], *rest, f"{host}:{port}"]


if __name__ == "__main__":
    main()
