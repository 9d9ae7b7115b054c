"""Helpers shared by the export scripts: file hashes, the machine line of a model card, and the
check that exported tensors have exactly the names, shapes and dtype the Swift engine reads."""

from __future__ import annotations

import hashlib
import os
import platform
from pathlib import Path

import torch


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def machine_description(threads: int) -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model} ({platform.machine()}, {os.cpu_count()} cores), {threads} torch threads, no GPU"


def check_exported_shapes(tensors: dict[str, torch.Tensor], expected: dict[str, tuple[int, ...]]) -> None:
    """Raises ValueError unless `tensors` has exactly the `expected` names and shapes, all float32."""
    if set(tensors) != set(expected):
        raise ValueError(f"tensor names {sorted(tensors)} != {sorted(expected)}")
    for name, shape in expected.items():
        tensor = tensors[name]
        if tuple(tensor.shape) != shape or tensor.dtype != torch.float32:
            raise ValueError(f"{name}: {tensor.dtype} {tuple(tensor.shape)}, expected float32 {shape}")
