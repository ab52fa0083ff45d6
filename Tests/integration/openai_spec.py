"""OpenAI's published OpenAPI spec, read at test time (never copied into the repository), to check that what the
gateway answers has OpenAI's shape. It lives in ../shared/testdata/openai-openapi/ beside the repository, or where
OPENAI_OPENAPI_SPEC points; when it is absent, the checks skip with a loud line rather than pass silently."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "testdata" / "openai-openapi" / "openapi.yaml"


def spec_path() -> Path:
    return Path(os.environ.get("OPENAI_OPENAPI_SPEC", DEFAULT))


@functools.lru_cache(maxsize=1)
def _spec() -> dict | None:
    path = spec_path()
    if not path.exists():
        return None
    import yaml

    with open(path, "rb") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def require_spec() -> dict:
    spec = _spec()
    if spec is None:
        print(f"\nSKIPPED: OpenAI's OpenAPI spec is not at {spec_path()}; response shapes are not checked against it")
        pytest.skip(f"OpenAI OpenAPI spec not found at {spec_path()}")
    return spec


def _with_nullable(node):
    """The spec still marks many fields with OpenAPI 3.0's `nullable: true`, which JSON Schema does not know: read it
    as OpenAI means it (the SDKs generated from the spec accept null there), as `anyOf: [the schema, null]`."""
    if isinstance(node, list):
        return [_with_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _with_nullable(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


# The schema a streamed /v1/completions chunk is checked against: the spec lists only the JSON body for that route.
COMPLETION_STREAM_CHUNK = "x-gateway-CompletionStreamChunk"


def _with_allowances(components: dict) -> dict:
    """Where OpenAI's own API answers differently from its spec, the gateway answers as the API does; each such
    difference is allowed here, narrowly, with its reason. Everything else must match the spec as published."""
    import copy

    schemas = components["schemas"]
    # `encoding_format: "base64"` (the openai SDK's default) gets each embedding as a base64 string of little-endian
    # float32s; the spec's Embedding documents only the list of floats.
    embedding = schemas["Embedding"]["properties"]["embedding"]
    schemas["Embedding"]["properties"]["embedding"] = {
        "anyOf": [embedding, {"type": "string", "pattern": "^[A-Za-z0-9+/]*={0,2}$"}]}
    # Streamed completions are CreateCompletionResponse objects, but OpenAI streams `finish_reason: null` until a
    # choice ends and, with `stream_options.include_usage`, `usage: null` on every chunk before the last (as the
    # spec itself says of chat chunks).
    chunk = copy.deepcopy(schemas["CreateCompletionResponse"])
    finish = chunk["properties"]["choices"]["items"]["properties"]["finish_reason"]
    chunk["properties"]["choices"]["items"]["properties"]["finish_reason"] = {"anyOf": [finish, {"type": "null"}]}
    chunk["properties"]["usage"] = {"anyOf": [chunk["properties"]["usage"], {"type": "null"}]}
    schemas[COMPLETION_STREAM_CHUNK] = chunk
    return components


@functools.lru_cache(maxsize=1)
def _components() -> dict:
    return _with_allowances(_with_nullable(require_spec()["components"]))


@functools.lru_cache(maxsize=None)
def _validator(name: str):
    import jsonschema

    # The components resolve as JSON pointers into the whole document (OpenAPI 3.1 schemas are JSON Schema 2020-12).
    root = {"components": _components(), "$ref": f"#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(root)


def validate(value, schema: str) -> None:
    """Raises with every violation listed when `value` does not match components/schemas/`schema`."""
    errors = sorted(_validator(schema).iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        detail = "\n".join(f"  at {list(e.absolute_path)}: {e.message[:300]}" for e in errors[:10])
        raise AssertionError(f"not a valid {schema}:\n{detail}")


@functools.lru_cache(maxsize=1)
def stream_event_schemas() -> dict[str, str]:
    """Responses stream event type (`response.output_text.delta`, `error`, ...) -> its schema's name."""
    schemas = require_spec()["components"]["schemas"]
    out = {}
    for ref in schemas["ResponseStreamEvent"]["anyOf"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        for event_type in schemas[name].get("properties", {}).get("type", {}).get("enum", []):
            out[event_type] = name
    return out


def validate_stream_event(event: dict) -> None:
    name = stream_event_schemas().get(event.get("type"))
    assert name, f"{event.get('type')!r} is not a Responses stream event type in the spec"
    validate(event, name)
