"""What cases tell the modules above them, without knowing them (dependencies point down).

`safety_reported` is sent inside the intake transaction for a report that needs the nearest emergency units (a
safety category or critical urgency, with a place): the receiver (`emergency`) opens its callout in the same
transaction, so a report accepted is never one whose units were not called.

`cases_written` is sent inside the transaction of every change to cases (with each timeline row, and with the
lights the sweep turns): `analytics` marks them for its rollups."""

from django.dispatch import Signal

safety_reported = Signal()  # kwargs: case, at
cases_written = Signal()  # kwargs: ids (case ids)
