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


@functools.lru_cache(maxsize=None)
def _validator(name: str):
    import jsonschema

    spec = require_spec()
    # The components resolve as JSON pointers into the whole document (OpenAPI 3.1 schemas are JSON Schema 2020-12).
    root = {"components": spec["components"], "$ref": f"#/components/schemas/{name}"}
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
