"""The OpenAPI document states what the API really does: every operation may answer with the one error format
(`{"error": {"code", "message", "fields"}}`) under the statuses the platform uses."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "稳定的错误代码,如 invalid_filter、not_found"},
            "message": {"type": "string", "description": "中文说明"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "逐字段的原因"},
        },
    }},
}

ERRORS = {
    "400": "输入有误(错误代码与逐字段原因)",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "对象不存在或不在您的管辖范围内",
    "503": "数据库暂时不可用(重启或切换中):按 Retry-After 稍后重发同一请求",
}
WRITE_ERRORS = {
    "409": "状态已变化、重复提交的内容不同等冲突",
    "429": "请求过于频繁",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            errors = {**ERRORS, **(WRITE_ERRORS if method != "get" else {})}
            for status, description in errors.items():
                responses.setdefault(status, {"description": description,
                                              "content": {"application/json": {"schema": ref}}})
    return result


# A filter date: YYYY-MM-DD of the years the API takes (1970–2199), each month with its own number of days (29
# February is left out of the pattern, though the API takes it in leap years). The API also takes ISO 8601 moments.
DATE_PATTERN = (r"^(19[7-9][0-9]|2[01][0-9][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
                r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$")
MONTH_PATTERN = r"^(20[0-9][0-9]|2100)-(0[1-9]|1[0-2])$"  # a report month, YYYY-MM of 2000–2100
DATE_PARAMS = {"created_after", "created_before", "start", "end"}
ID_MAX = 10**18 - 1  # core.converters.IdConverter: up to 18 digits
NOT_AN_IDENTIFIER = r"^[^0-9\x00]*([0-9][^0-9\x00]*){0,5}$"  # GET searches: fewer than six digits (numbers go by POST)
CRS = ["wgs84", "cgcs2000", "gcj02", "bd09"]
LON = {"type": "number", "minimum": -180, "maximum": 180}
LAT = {"type": "number", "minimum": -90, "maximum": 90}


def _parameter_constraints(path: str, operation: dict) -> None:
    for p in operation.get("parameters", []):
        name, schema = p["name"], p.setdefault("schema", {})
        if p["in"] == "path" and schema.get("pattern", "").startswith("^[1-9][0-9]"):
            p["schema"] = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
        elif p["in"] != "query":
            continue
        elif name == "page":
            schema.update(minimum=1, maximum=100_000)
        elif name == "page_size":
            schema.update(minimum=1, maximum=200)
        elif name in DATE_PARAMS:
            schema.update(pattern=DATE_PATTERN)
            p["description"] = (p.get("description", "") + "(1970–2199 年;也接受 ISO 8601 时间)").strip()
        elif name == "month":
            schema.update(pattern=MONTH_PATTERN)
        elif name == "lon":
            schema.update(LON)
        elif name == "lat":
            schema.update(LAT)
        elif name == "crs":
            schema.update(enum=CRS)
        elif name == "q" and path.startswith("/api/v1/residents/"):
            schema.update(pattern=NOT_AN_IDENTIFIER, maxLength=100)
        elif schema.get("type") == "string" and "enum" not in schema and "pattern" not in schema:
            schema.update(pattern=TEXT)


# Strings as the API reads them: no NUL character (refused by the framework), and where a value is required, some
# character that is not whitespace (values are trimmed; control characters count as whitespace there too).
TEXT = r"^[^\x00]*$"
REQUIRED_TEXT = r"^[^\x00]*[^\s\x00-\x1f\x85][^\x00]*$"


def _text_constraints(schema: dict) -> None:
    for name, prop in (schema.get("properties") or {}).items():
        if prop.get("type") == "string" and "format" not in prop and "enum" not in prop:
            required = name in schema.get("required", ()) or prop.get("minLength", 0) >= 1
            if prop.get("pattern") in (None, TEXT, r"\S"):
                prop["pattern"] = REQUIRED_TEXT if required or prop.get("pattern") == r"\S" else TEXT


def _component_constraints(schemas: dict) -> None:
    for name, schema in schemas.items():
        if name.endswith("In"):  # request bodies
            _text_constraints(schema)
            for branch in schema.get("anyOf", []):
                _text_constraints(branch)


def _resolve(result: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return result.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def state_constraints(result, generator, request, public):
    """drf-spectacular postprocessing hook: the ranges, formats and rules the services check, stated in the
    document (a fuzzer's schema-valid data must be accepted)."""
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                _parameter_constraints(path, operation)
                body = operation.get("requestBody")
                if body and any("anyOf" in _resolve(result, c.get("schema", {}))
                                for c in body.get("content", {}).values()):
                    body["required"] = True  # one of its fields must be there
    _component_constraints(result.get("components", {}).get("schemas", {}))
    return result
