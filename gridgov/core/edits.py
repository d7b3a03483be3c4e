"""Editing a record's plain facts the same way everywhere: lock the row, apply the changes, check the result,
save, and write one audit row listing each changed field with its old and new value."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction

from gridgov.core.errors import ApplicationError
from gridgov.core.models import audit


def _shown(value):
    value = getattr(value, "pk", value)
    return None if value is None else str(value)


def update_fields(*, actor, obj, changes: dict, editable: Iterable[str], action: str,
                  check: Callable | None = None, on_conflict: ApplicationError | None = None,
                  secret: Iterable[str] = ()):
    """Apply `changes` (only fields in `editable`) to a fresh, locked copy of `obj`; `check(locked)` may adjust
    or refuse (ApplicationError). Nothing is saved when nothing changed. `secret` fields are logged as changed
    without their values. Returns the saved copy."""
    editable, secret = tuple(editable), set(secret)
    unknown = set(changes) - set(editable)
    if unknown:
        raise ApplicationError("invalid", f"不能修改:{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        model = type(obj)
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        before = {f: _shown(getattr(locked, f)) for f in editable}
        for field, value in changes.items():
            setattr(locked, field, value)
        if check is not None:
            check(locked)
        changed = {f: [before[f], _shown(getattr(locked, f))] for f in editable
                   if before[f] != _shown(getattr(locked, f))}
        if not changed:
            return locked
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            if on_conflict is not None:
                raise on_conflict
            raise
        audit(actor=actor, action=action, obj=locked,
              detail={"changed": {f: (["…", "…"] if f in secret else v) for f, v in changed.items()}})
        return locked
