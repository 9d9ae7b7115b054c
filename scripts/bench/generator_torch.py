#!/usr/bin/env python3
"""PyTorch CPU throughput of the exported style generator: the anchor for the Swift engine.

Runs the committed Shared/StylecastVision/Resources/style-generator.safetensors with PyTorch's
fastest formulation of a modulated convolution on CPU (scale the input channels by the style,
one batched conv2d, scale the output channels by the demodulation coefficients: the same
function as Training/style_generator.py's exported forward pass, which modulates the weights
per sample), with one intra-op thread, under torch.inference_mode. At each batch size: a
warm-up, then as many batches as fit in the measured seconds. Prints one JSON line per batch
size, e.g. {"batch": 64, "images_per_second": 512.3, "side": "pytorch", "torch": "2.x"}.

    Training/.venv/bin/python scripts/bench/generator_torch.py [--seconds 5] [--batch-sizes 1,64]
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
import torch.nn.functional as F  # noqa: E402

import style_generator as sg  # noqa: E402


def modulated(tensors, prefix, x, w, demodulate, padding):
    style = F.linear(w, tensors[f"{prefix}.affine.weight"], tensors[f"{prefix}.affine.bias"])
    weight = tensors[f"{prefix}.weight"]
    x = F.conv2d(x * style[:, :, None, None], weight, padding=padding)
    if demodulate:
        x = x * (style.square() @ weight.square().sum(dim=(2, 3)).t() + sg.DEMOD_EPSILON).rsqrt()[:, :, None, None]
    return x + tensors[f"{prefix}.bias"][None, :, None, None]


def generate(tensors, z, classes):
    w = sg.exported_mapping(tensors, z, classes)
    x = tensors["synthesis.const"][None].expand(z.shape[0], -1, -1, -1)
    for index, (_, _, upsample, _) in enumerate(sg.SYNTHESIS_LAYERS):
        if upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.leaky_relu(modulated(tensors, f"synthesis.layer{index}", x, w, True, 1), sg.LRELU_SLOPE) * sg.LRELU_GAIN
    return torch.tanh(modulated(tensors, "synthesis.to_image", x, w, False, 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path,
                        default=REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "style-generator.safetensors")
    parser.add_argument("--batch-sizes", default="1,64")
    parser.add_argument("--seconds", type=float, default=5.0)
    arguments = parser.parse_args()
    torch.set_num_threads(1)
    tensors = sg.load_exported(arguments.model)
    # The anchor must compute what the exported forward pass computes.
    z = torch.randn(4, sg.Z_DIM, generator=torch.Generator().manual_seed(0))
    classes = torch.arange(4)
    with torch.inference_mode():
        difference = (generate(tensors, z, classes) - sg.exported_forward(tensors, z, classes)).abs().max().item()
    if difference > 1e-4:
        raise SystemExit(f"generator_torch.py: fast form differs from the exported forward pass by {difference}")
    for batch in (int(b) for b in arguments.batch_sizes.split(",")):
        z = torch.randn(batch, sg.Z_DIM, generator=torch.Generator().manual_seed(42))
        classes = torch.arange(batch) % sg.NUM_CLASSES
        with torch.inference_mode():
            def run(duration):
                start, images = time.perf_counter(), 0
                while True:
                    generate(tensors, z, classes)
                    images += batch
                    if time.perf_counter() - start >= duration:
                        return images, time.perf_counter() - start
            run(min(1.0, arguments.seconds / 5))
            images, seconds = run(arguments.seconds)
        print(json.dumps({"side": "pytorch", "batch": batch, "images_per_second": images / seconds,
                          "threads": 1, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
