"""The `gridgov` command: Django's management commands plus ours (demo, import_grids, …)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gridgov", *sys.argv[1:]])


if __name__ == "__main__":
    main()
