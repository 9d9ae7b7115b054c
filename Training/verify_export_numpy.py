"""Runs the exported model.safetensors with NumPy only (no PyTorch) and compares with the fixture.

This is the forward pass the Swift engine implements, written out plainly: zero-padded 3x3
cross-correlation via im2col + matmul, ReLU, 2x2 max-pool, NCHW flatten, two linear layers.
A match here shows the file's layout means what the model card says, independent of torch.

    Training/.venv/bin/python Training/verify_export_numpy.py [--count 1000]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

import fashion_mnist

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent


def conv3x3(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """x [N, C, H, W], weight [O, C, 3, 3] -> [N, O, H, W]; stride 1, zero padding 1."""
    n, c, h, w = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    # columns[n, c, ky, kx, y, x] = padded[n, c, y + ky, x + kx]
    columns = np.stack([np.stack([padded[:, :, ky : ky + h, kx : kx + w] for kx in range(3)], 2) for ky in range(3)], 2)
    columns = columns.reshape(n, c * 9, h * w)
    out = np.einsum("ok,nkp->nop", weight.reshape(weight.shape[0], c * 9), columns, optimize=True)
    return (out + bias[None, :, None]).reshape(n, weight.shape[0], h, w)


def max_pool2(x: np.ndarray) -> np.ndarray:
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def forward(tensors: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    x = relu(conv3x3(x, tensors["conv1.weight"], tensors["conv1.bias"]))
    x = max_pool2(relu(conv3x3(x, tensors["conv2.weight"], tensors["conv2.bias"])))
    x = relu(conv3x3(x, tensors["conv3.weight"], tensors["conv3.bias"]))
    x = max_pool2(relu(conv3x3(x, tensors["conv4.weight"], tensors["conv4.bias"])))
    x = x.reshape(x.shape[0], -1)  # NCHW flatten, 3136
    x = relu(x @ tensors["fc1.weight"].T + tensors["fc1.bias"])
    return x @ tensors["fc2.weight"].T + tensors["fc2.bias"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "garment-classifier.safetensors")
    parser.add_argument("--fixture", type=Path, default=REPOSITORY / "Tests" / "StylecastVisionTests" / "Fixtures" / "garment_classifier_reference.safetensors")
    parser.add_argument("--count", type=int, default=1000, help="first N test images to check")
    arguments = parser.parse_args()

    tensors = load_file(str(arguments.model))
    reference = load_file(str(arguments.fixture))
    images, _ = fashion_mnist.load_split("test")
    x = fashion_mnist.to_input(images[: arguments.count])
    logits = np.concatenate([forward(tensors, x[s : s + 250]) for s in range(0, x.shape[0], 250)]).astype(np.float32)
    expected = reference["logits"][: arguments.count]
    difference = float(np.abs(logits - expected).max())
    agree = int((logits.argmax(1) == reference["predicted"][: arguments.count]).sum())
    print(f"numpy vs fixture on {arguments.count} images: max abs logit difference {difference:.2e}, argmax agrees on {agree}/{arguments.count}")
    if difference > 1e-3:
        raise SystemExit("numpy forward pass does not match the fixture")


if __name__ == "__main__":
    main()
