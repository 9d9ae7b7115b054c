#!/usr/bin/env python3
"""PyTorch CPU throughput of the exported garment classifier: the anchor for the Swift engine.

Loads Shared/StylecastVision/Resources/garment-classifier.safetensors into the folded plain-conv
PyTorch model (the same network the Swift engine runs), then, with one intra-op thread,
runs the Fashion-MNIST test images at each batch size: a warm-up, then as many batches as
fit in a fixed number of seconds. Prints one JSON line per batch size, e.g.

    {"batch": 1, "images_per_second": 1234.5, "threads": 1, "torch": "2.x"}

Run with the training venv (see Training/README.md):

    Training/.venv/bin/python scripts/bench/classifier_torch.py [--seconds 5] [--batch-sizes 1,256]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY / "Training"))

import torch  # noqa: E402

import fashion_mnist  # noqa: E402
from garment_classifier import load_folded  # noqa: E402


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "garment-classifier.safetensors")
    parser.add_argument("--batch-sizes", default="1,256", help="comma-separated batch sizes")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per batch size")
    parser.add_argument("--warmup-seconds", type=float, default=1.0)
    parser.add_argument("--data-dir", type=Path, default=fashion_mnist.DEFAULT_DIR)
    return parser.parse_args()


def batches(images: torch.Tensor, batch: int):
    """Endless consecutive batches of the test images, wrapping around; each batch is contiguous."""
    chunks = [images[start : start + batch].contiguous() for start in range(0, images.shape[0] - batch + 1, batch)]
    while True:
        yield from chunks


@torch.inference_mode()
def measure(model: torch.nn.Module, images: torch.Tensor, batch: int, seconds: float, warmup_seconds: float) -> float:
    """Images per second over `seconds` of back-to-back forward passes, after a warm-up."""
    source = batches(images, batch)
    deadline = time.perf_counter() + warmup_seconds
    while time.perf_counter() < deadline:
        model(next(source))
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        model(next(source))
        count += batch
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


def main() -> None:
    arguments = parse_arguments()
    torch.set_num_threads(1)
    model = load_folded(arguments.model)
    test_images, _ = fashion_mnist.load_split("test", arguments.data_dir)
    images = torch.from_numpy(fashion_mnist.to_input(test_images))
    for batch in (int(b) for b in arguments.batch_sizes.split(",")):
        rate = measure(model, images, batch, arguments.seconds, arguments.warmup_seconds)
        print(json.dumps({"batch": batch, "images_per_second": round(rate, 1), "threads": 1, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
