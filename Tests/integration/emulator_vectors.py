"""The emulator's deterministic embeddings (Sources/SageMakerEmulator/EmbeddingVector.swift), recomputed here so
tests know, bit for bit, which float32 vector the gateway must hand back for a text."""
from __future__ import annotations

import struct

MASK = (1 << 64) - 1
DEFAULT_DIMENSIONS = 8


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & MASK
    return h


def vector(text: str, dimensions: int = DEFAULT_DIMENSIONS) -> list[float]:
    """Python floats holding float32 values exactly: (k - 2^23) / 2^23 is exact in both."""
    state = fnv1a64(text.encode())
    out = []
    for _ in range(dimensions):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        k = z >> 40
        out.append((k - (1 << 23)) / (1 << 23))
    return out


def token_text(ids: list[int]) -> str:
    return "tokens:" + " ".join(str(i) for i in ids)


def float32_bits(values: list[float]) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)
