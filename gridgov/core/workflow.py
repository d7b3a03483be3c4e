"""The workflow engine every object with a lifecycle declares its table on (a case, a dispute, a deliberation topic,
an inspection, a care plan, a reward redemption).

A table is a tuple of transitions: state × action → next state, who may act (kinds of actor relative to the object,
decided by the app), guards (named conditions with the reason a refusal gives), the named clock effect the app's
clock code executes, and the fields the action takes (which the API, the console and the phone pages are generated
from). Services check an action with `Table.check`, change the object, and write it with `Table.commit`: one
compare-and-set update (state and version as read) and the typed timeline row in the same transaction. The next
state is the table's, never the service's: where an action has several outcomes (a cooperating unit's partial
acknowledgement, a rating that reopens) the row names them and the service picks one by name.

Core knows no domain: states, kinds, effects and events are the app's."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import now

UNCHANGED = None  # a transition (or outcome) that leaves the state as it is
PREVIOUS = "(previous)"  # back to the state saved when the object was put aside (e.g. resume after suspend)


@dataclass(frozen=True)
class Field:
    """One input of an action. `kind`: text, textarea, choice, int, bool, date, photos, unit, units, case_number,
    duration (minutes, entered in hours or working days)."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[tuple[Any, Any], ...] = ()  # (value, label); labels may be lazy translations
    help: str = ""
    max_length: int | None = None


@dataclass(frozen=True)
class Guard:
    """A condition beyond state and actor (e.g. "an extension request is pending"); `code` and `message` are
    the refusal's."""

    name: str
    check: Callable[[Any], bool]
    code: str
    message: str


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    actors: frozenset[str]
    effect: str = ""  # the clock effect, by name; the app's effect runner executes it
    guards: tuple[Guard, ...] = ()
    fields: tuple[Field, ...] = ()
    outcomes: tuple[tuple[str, str | None], ...] = ()  # other results by name: (outcome, state or UNCHANGED)
    effects: tuple[tuple[str, str], ...] = ()  # the clock effect of an outcome, where it differs
    meta: tuple[tuple[str, Any], ...] = ()  # the app's own attributes (e.g. how a public status shows it)

    @property
    def needs_reason(self) -> bool:
        return any(f.name == "reason" and f.required for f in self.fields)

    @property
    def takes_photos(self) -> bool:
        return any(f.kind == "photos" for f in self.fields)

    def target_of(self, outcome: str = "") -> str | None:
        """The row's target for this outcome, as written: a state, UNCHANGED or PREVIOUS."""
        if not outcome:
            return self.target
        targets = dict(self.outcomes)
        if outcome not in targets:
            raise ValueError(f"{self.action} has no outcome {outcome!r}")
        return targets[outcome]

    def next_state(self, current: str, outcome: str = "", previous: str = "") -> str:
        target = self.target_of(outcome)
        if target is UNCHANGED:
            return current
        if target == PREVIOUS:
            return previous or self.sources[0]
        return target

    def require(self, values: dict) -> str:
        """Refuse a required field left blank (`<name>_required`, the field named); the step's note or reason."""
        for f in self.fields:
            if f.required and not str(values.get(f.name) or "").strip():
                raise ApplicationError(f"{f.name}_required", f"请填写{f.label}", fields={f.name: "必填"})
        return str(values.get("reason") or values.get("note") or "").strip()

    def info(self, key: str, default: Any = None) -> Any:
        return dict(self.meta).get(key, default)

    def effect_of(self, outcome: str = "") -> str:
        return dict(self.effects).get(outcome, self.effect) if outcome else self.effect


def T(action: str, label: str, sources: Iterable[str], target: str | None, actors: Iterable[str], *,
      effect: str = "", guards: Sequence[Guard] = (), fields: Sequence[Field] = (),
      outcomes: dict[str, str | None] | None = None, effects: dict[str, str] | None = None,
      **meta: Any) -> Transition:
    return Transition(action, label, tuple(sources), target, frozenset(actors), effect, tuple(guards), tuple(fields),
                      tuple((outcomes or {}).items()), tuple((effects or {}).items()), tuple(meta.items()))


@dataclass
class Table:
    """A lifecycle: its transitions and how to tell who an actor is to an object."""

    name: str
    transitions: tuple[Transition, ...]
    kinds: Callable[[Any, Any], set[str]]  # (actor, obj) -> the actor's kinds on obj
    state_labels: dict[str, str] = field(default_factory=dict)
    state_field: str = "state"
    version_field: str = "updated_at"
    previous_field: str = ""  # where PREVIOUS is read from
    effect_runner: Callable[..., Iterable[str] | None] | None = None  # (obj, effect, at, **params) -> fields

    def __post_init__(self):
        self.by_action = {t.action: t for t in self.transitions}
        if len(self.by_action) != len(self.transitions):
            raise ValueError(f"{self.name}: an action is listed twice")

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self.by_action)

    def get(self, action: str) -> Transition:
        try:
            return self.by_action[action]
        except KeyError:
            raise ApplicationError("unknown_action", f"没有「{action}」这个操作", status=404)

    def label(self, action: str) -> str:
        t = self.by_action.get(action)
        return t.label if t else action

    def _state(self, obj) -> str:
        return getattr(obj, self.state_field)

    def allowed(self, actor, obj, *, kinds: set[str] | None = None) -> list[Transition]:
        """The actions open to this actor on this object now: state, actor kind and every guard."""
        kinds = self.kinds(actor, obj) if kinds is None else kinds
        state = self._state(obj)
        return [t for t in self.transitions
                if state in t.sources and t.actors & kinds and all(g.check(obj) for g in t.guards)]

    def permits(self, actor, obj, action: str) -> bool:
        """Whether this one action is open to the actor now (its guards only: a list page asking about one button
        per row costs no query per row for the other actions' guards)."""
        t = self.get(action)
        return (self._state(obj) in t.sources and bool(t.actors & self.kinds(actor, obj))
                and all(g.check(obj) for g in t.guards))

    def check(self, actor, obj, action: str) -> Transition:
        """Refuse what the table does not allow, with the reason: 409 for a state or a guard, 403 for the actor."""
        t = self.get(action)
        state = self._state(obj)
        if state not in t.sources:
            label = self.state_labels.get(state, state)
            raise ApplicationError("state_conflict", f"当前为「{label}」,不能执行「{t.label}」", status=409)
        if not (t.actors & self.kinds(actor, obj)):
            raise PermissionDenied(f"您不能执行「{t.label}」")
        for g in t.guards:
            if not g.check(obj):
                raise ApplicationError(g.code, g.message, status=409)
        return t

    def commit(self, obj: models.Model, t: Transition, *, fields: Iterable[str] = (), outcome: str = "",
               event: Callable[[str], Any] | None = None, at=None, effect_params: dict | None = None,
               expect: dict | None = None):
        """Move `obj` to the table's next state, run the clock effect, and write it with one compare-and-set
        (nobody changed it since it was read: state and version as read, plus `expect`) together with its
        timeline row (`event(from_state)` makes it), in one transaction. 409 when someone else got there first."""
        at = at or now()
        old_state, old_version = self._state(obj), getattr(obj, self.version_field)
        previous = getattr(obj, self.previous_field) if self.previous_field else ""
        new_state = t.next_state(old_state, outcome, previous)
        setattr(obj, self.state_field, new_state)
        names = set(fields) | {self.state_field}
        if self.previous_field and t.target_of(outcome) == PREVIOUS:
            setattr(obj, self.previous_field, "")  # taken back: nothing to return to any more
            names.add(self.previous_field)
        effect = t.effect_of(outcome)
        if effect and self.effect_runner is not None:
            names |= set(self.effect_runner(obj, effect, at, **(effect_params or {})) or ())
        values = {f: getattr(obj, f) for f in names}
        values[self.version_field] = at
        with transaction.atomic():
            updated = type(obj)._default_manager.filter(
                pk=obj.pk, **{self.state_field: old_state, self.version_field: old_version}, **(expect or {})
            ).update(**values)
            if updated != 1:
                setattr(obj, self.state_field, old_state)
                raise ApplicationError("state_changed", "已被他人处理,请刷新后重试", status=409)
            setattr(obj, self.version_field, at)
            return event(old_state) if event is not None else None
