"""Shared plumbing for import commands: print the result the way the admin page shows it."""

from django.core.management.base import CommandError


def report_import(command, result) -> None:
    for e in result.errors:
        command.stderr.write(str(e))
    if result.errors:
        raise CommandError(result.summary())
    command.stdout.write(command.style.SUCCESS(result.summary()))
