"""What cases tell the modules above them, without knowing them (dependencies point down).

`safety_reported` is sent inside the intake transaction for a report that needs the nearest emergency units (a
safety category or critical urgency, with a place): the receiver (`emergency`) opens its callout in the same
transaction, so a report accepted is never one whose units were not called."""

from django.dispatch import Signal

safety_reported = Signal()  # kwargs: case, at
