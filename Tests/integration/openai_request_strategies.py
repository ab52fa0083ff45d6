"""Hypothesis strategies for request bodies that OpenAI's OpenAPI spec calls valid (CreateChatCompletionRequest, ...):
well-typed, but with every optional field, union branch, odd string and extreme number the schema allows.

hypothesis-jsonschema turns each schema into a strategy. Two shortcuts keep that within seconds rather than minutes
for the spec's large request schemas: each top-level property (and each branch of a union near the top) gets its own
strategy instead of one merged schema, and the sizes the schema leaves open are bounded (arrays of at most 3 items,
strings of at most 24 characters, objects of at most 6 members; below the top level, no members the schema does
not name). Sizes are what the hardening tests push; here it is the shape."""
from __future__ import annotations

import functools

import openai_spec

# Keys that say nothing about which values are valid, or that hypothesis-jsonschema does not know (`format`s such
# as `unixtime` or `binary`; OpenAPI's `discriminator`).
_IGNORED = {"description", "title", "example", "examples", "discriminator", "deprecated", "format", "default"}


def _bounded(node, schemas: dict, seen: tuple = ()):
    """`node` with its $refs inlined (a recursive one becomes "anything"), `nullable` as a null branch, sizes bounded."""
    if isinstance(node, list):
        return [_bounded(item, schemas, seen) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for key, value in node.items():
        if key in _IGNORED or key.startswith("x-") or key == "nullable":
            continue
        if key == "$ref":
            name = value.rsplit("/", 1)[1]
            if name not in seen:
                out.update(_bounded(schemas[name], schemas, seen + (name,)))
            continue
        out[key] = value if key in ("enum", "const", "required") else _bounded(value, schemas, seen)
    kind = out.get("type")
    if kind == "array" or "items" in out:
        out.setdefault("maxItems", max(3, out.get("minItems", 0)))
    if kind == "string" and "enum" not in out and "const" not in out:
        out.setdefault("maxLength", max(24, out.get("minLength", 0)))
    if "properties" in out:
        out.setdefault("additionalProperties", False)
    if kind == "object" or "properties" in out:
        out.setdefault("maxProperties", max(6, len(out.get("required", []))))
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _strategy(schema: dict, depth: int = 0):
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema

    union = schema.get("anyOf") or schema.get("oneOf")
    if union and depth < 3 and set(schema) <= {"anyOf", "oneOf"}:
        return st.one_of([_strategy(branch, depth + 1) for branch in union])
    items = schema.get("items")
    if isinstance(items, dict) and depth < 3 and set(schema) <= {"type", "items", "minItems", "maxItems"}:
        return st.lists(_strategy(items, depth + 1), min_size=schema.get("minItems", 0), max_size=schema["maxItems"])
    return from_schema(schema)


@functools.lru_cache(maxsize=None)
def request_strategy(name: str, required: tuple[str, ...] = ()):
    """A strategy of JSON objects valid against components/schemas/`name` (a request body schema), always with the
    members `required` names besides the schema's own required ones, and a non-empty `model`: bodies without one
    are refused before anything else is looked at, and would take half of the examples."""
    from hypothesis import strategies as st

    schemas = openai_spec.require_spec()["components"]["schemas"]
    schema = _bounded(schemas[name], schemas, (name,))
    properties: dict = {}
    extra_required, required = required, set()

    def collect(part: dict) -> None:
        properties.update(part.get("properties", {}))
        required.update(part.get("required", []))
        for sub in part.get("allOf", []):
            collect(sub)

    collect(schema)
    required.update(key for key in extra_required if key in properties)
    if "model" in properties:
        properties["model"] = {"allOf": [properties["model"], {"minLength": 1}]}
    named = st.fixed_dictionaries(
        {key: _strategy(properties[key]) for key in sorted(required)},
        optional={key: _strategy(value) for key, value in properties.items() if key not in required},
    )
    # The request schemas allow members they do not name (containers' extensions such as `top_k`; the gateway passes
    # them through): a few, with any JSON value.
    unnamed = st.dictionaries(st.text(max_size=12).filter(lambda key: key not in properties), _any_json(), max_size=2)
    return st.builds(lambda extra, body: {**extra, **body}, unnamed, named)


def _any_json():
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(
        max_size=24)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=12), inner, max_size=3), max_leaves=8)
