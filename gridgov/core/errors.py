"""One application error type, mapped to one error format by the API and to messages by the UI."""

from __future__ import annotations


class ApplicationError(Exception):
    """A refused action: a stable machine `code`, a Chinese `message`, and per-field reasons."""

    status = 400

    def __init__(self, code: str, message: str, *, fields: dict[str, str] | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class PermissionDenied(ApplicationError):
    status = 403

    def __init__(self, message: str = "无权执行此操作", *, code: str = "permission_denied"):
        super().__init__(code, message)


class NotFound(ApplicationError):
    status = 404

    def __init__(self, message: str = "对象不存在或不在您的管辖范围内", *, code: str = "not_found"):
        super().__init__(code, message)


def text_of(value, name: str, label: str, low: int, high: int) -> str:
    """A text input trimmed and between `low` and `high` characters, else refused as `invalid_<name>` with the
    field named (the services' one rule for titles, bodies and the like)."""
    text = str(value or "").strip()
    if not low <= len(text) <= high:
        raise ApplicationError("invalid_" + name, f"{label}须为 {low}–{high} 个字", fields={name: f"{low}–{high} 字"})
    return text
