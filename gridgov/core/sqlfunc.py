"""SQL functions Django does not have, spoken by both databases the project runs on."""

from __future__ import annotations

from django.db.models import FloatField, Func


class Epoch(Func):
    """Seconds since 1970 of a datetime, as a float: durations divided by durations (Django's `Extract("epoch")`
    needs a native interval type, which SQLite has not)."""

    function = ""
    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps datetimes in SQLite as UTC text; julianday() reads it to the millisecond
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
                           **extra)
