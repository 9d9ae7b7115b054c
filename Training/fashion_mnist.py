"""Reads the Fashion-MNIST idx files installed by the Debian package dataset-fashion-mnist.

The files are gzip-compressed idx: a big-endian header (magic, counts, sizes) followed by
unsigned bytes. Every header field is checked, so a truncated or swapped file fails loudly
instead of training on garbage.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

DEFAULT_DIR = Path("/usr/share/datasets/fashion-mnist")

CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

SPLITS = {
    # split: (images file, labels file, expected count)
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60_000),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10_000),
}


class IdxError(ValueError):
    """An idx file whose header or size does not match what Fashion-MNIST must be."""


def read_images(path: Path, expected_count: int) -> np.ndarray:
    """Returns the images of an idx3 file as uint8 [count, 28, 28], in file order."""
    data = gzip.decompress(Path(path).read_bytes())
    if len(data) < 16:
        raise IdxError(f"{path}: {len(data)} bytes, shorter than the 16-byte idx3 header")
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != IMAGES_MAGIC:
        raise IdxError(f"{path}: magic {magic}, expected {IMAGES_MAGIC}")
    if count != expected_count or rows != 28 or cols != 28:
        raise IdxError(f"{path}: header says {count}x{rows}x{cols}, expected {expected_count}x28x28")
    if len(data) != 16 + count * rows * cols:
        raise IdxError(f"{path}: {len(data) - 16} pixel bytes, expected {count * rows * cols}")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows, cols)


def read_labels(path: Path, expected_count: int) -> np.ndarray:
    """Returns the labels of an idx1 file as uint8 [count], each in 0..<10."""
    data = gzip.decompress(Path(path).read_bytes())
    if len(data) < 8:
        raise IdxError(f"{path}: {len(data)} bytes, shorter than the 8-byte idx1 header")
    magic, count = struct.unpack(">II", data[:8])
    if magic != LABELS_MAGIC:
        raise IdxError(f"{path}: magic {magic}, expected {LABELS_MAGIC}")
    if count != expected_count:
        raise IdxError(f"{path}: header says {count} labels, expected {expected_count}")
    if len(data) != 8 + count:
        raise IdxError(f"{path}: {len(data) - 8} label bytes, expected {count}")
    labels = np.frombuffer(data, dtype=np.uint8, offset=8)
    if labels.max() >= len(CLASSES):
        raise IdxError(f"{path}: label {labels.max()} out of range 0..<{len(CLASSES)}")
    return labels


def load_split(split: str, directory: Path = DEFAULT_DIR) -> tuple[np.ndarray, np.ndarray]:
    """Returns (images uint8 [N, 28, 28], labels uint8 [N]) of "train" or "test"."""
    images_name, labels_name, count = SPLITS[split]
    images = read_images(Path(directory) / images_name, count)
    labels = read_labels(Path(directory) / labels_name, count)
    return images, labels


def to_input(images: np.ndarray) -> np.ndarray:
    """The model input agreed with Swift: float32 [N, 1, 28, 28] = pixel / 255, no normalisation."""
    return (images.astype(np.float32) / np.float32(255.0))[:, None, :, :]
