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


def field_values(obj, fields: Iterable[str] | None = None) -> dict:
    """The fields' values as the audit log shows them (a related row by its key); all concrete fields by default."""
    if fields is None:
        fields = [f.attname for f in obj._meta.concrete_fields if not f.primary_key]
    return {f: _shown(getattr(obj, f)) for f in fields}


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} for each field whose shown value differs."""
    return {f: [before.get(f), v] for f, v in after.items() if before.get(f) != v}


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
        before = field_values(locked, editable)
        for field, value in changes.items():
            setattr(locked, field, value)
        if check is not None:
            check(locked)
        changed = changes_between(before, field_values(locked, editable))
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
