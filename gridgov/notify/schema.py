"""The OpenAPI document of marking messages read: `ids` or `all`, one of them."""


def read_constraints(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    read = result.get("components", {}).get("schemas", {}).get("ReadIn")
    if read:
        read["anyOf"] = [{"required": ["ids"], "properties": {"ids": {"type": "array", "minItems": 1}}},
                         {"required": ["all"], "properties": {"all": {"enum": [True]}}}]
    return result
