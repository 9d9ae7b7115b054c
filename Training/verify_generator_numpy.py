"""Runs the exported style-generator.safetensors with NumPy only (no PyTorch) and compares with the fixture.

This is the forward pass the Swift engine implements, op for op, in float32:

    mapping:   z_n = z / sqrt(mean(z^2) + 1e-8); x = concat(z_n, embed[class]);
               3 x [x = leaky_relu(x @ W^T + b, 0.2)]; w = x;
               truncation (optional): w = w_avg[class] + psi * (w - w_avg[class])
    synthesis: x = const (broadcast over the batch);
               5 x [nearest 2x upsampling before layers 1 and 3;
                    s = w_i @ A^T + a; per-sample weight W' = W * s[c], demodulated
                    W'' = W' / sqrt(sum_{c,i,j} W'^2 + 1e-8); x = conv3x3(x, W'', zero padding 1);
                    x = leaky_relu(x + bias, 0.2) * sqrt(2)];
               to_image: s = w_5 @ A^T + a; x = conv1x1(x, W * s[c]) + bias (no demodulation); tanh.

The per-sample modulation is written out exactly as Shared/StylecastTensor/Tensor+Modulation.swift
spells it. A match here shows the file means what the model card says, independent of torch.

    Training/.venv/bin/python Training/verify_generator_numpy.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
TOLERANCE = 1e-4

MAPPING_LAYERS = 3
# (upsample nearest 2x before the convolution) for synthesis.layer0 .. layer4
UPSAMPLE = (False, True, False, True, False)
NUM_WS = len(UPSAMPLE) + 1
SLOPE = np.float32(0.2)
GAIN = np.float32(np.sqrt(2.0))
EPSILON = np.float32(1e-8)


def leaky_relu(x: np.ndarray) -> np.ndarray:
    return np.where(x >= 0, x, x * SLOPE).astype(np.float32)


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """y = x W^T + b, W [out, in] (PyTorch layout)."""
    return (x @ weight.T + bias).astype(np.float32)


def mapping(t: dict[str, np.ndarray], z: np.ndarray, classes: np.ndarray, psi: float = 1.0) -> np.ndarray:
    z_n = z / np.sqrt(np.mean(z * z, axis=1, keepdims=True) + EPSILON)
    x = np.concatenate([z_n, t["mapping.embed"][classes]], axis=1).astype(np.float32)
    for i in range(MAPPING_LAYERS):
        x = leaky_relu(linear(x, t[f"mapping.fc{i}.weight"], t[f"mapping.fc{i}.bias"]))
    if psi != 1.0:
        w_avg = t["mapping.w_avg"][classes]
        x = (w_avg + np.float32(psi) * (x - w_avg)).astype(np.float32)
    return x


def conv2d(x: np.ndarray, weight: np.ndarray, padding: int) -> np.ndarray:
    """One sample: x [C, H, W], weight [O, C, k, k] -> [O, H, W]; stride 1, zero padding, via im2col."""
    c, h, w = x.shape
    k = weight.shape[2]
    padded = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    # columns[c, ky, kx, y, x] = padded[c, y + ky, x + kx]
    columns = np.stack([np.stack([padded[:, ky : ky + h, kx : kx + w] for kx in range(k)], 1) for ky in range(k)], 1)
    return (weight.reshape(weight.shape[0], -1) @ columns.reshape(c * k * k, h * w)).reshape(-1, h, w).astype(np.float32)


def modulated_conv2d(x: np.ndarray, weight: np.ndarray, style: np.ndarray, demodulate: bool, padding: int) -> np.ndarray:
    """Tensor+Modulation.swift: per sample n, W'[o,c,i,j] = W[o,c,i,j] * style[n,c], demodulated per o."""
    out = []
    for n in range(x.shape[0]):
        modulated = weight * style[n][None, :, None, None]
        if demodulate:
            modulated = modulated / np.sqrt(np.sum(modulated * modulated, axis=(1, 2, 3), keepdims=True) + EPSILON)
        out.append(conv2d(x[n], modulated.astype(np.float32), padding))
    return np.stack(out)


def synthesis(t: dict[str, np.ndarray], ws: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """ws [N, 6, 128] -> (images [N, 1, 28, 28] in [-1, 1], the output of each 3x3 layer)."""
    n = ws.shape[0]
    x = np.broadcast_to(t["synthesis.const"], (n, *t["synthesis.const"].shape)).astype(np.float32)
    outputs = []
    for i, upsample in enumerate(UPSAMPLE):
        if upsample:
            x = x.repeat(2, axis=2).repeat(2, axis=3)
        style = linear(ws[:, i], t[f"synthesis.layer{i}.affine.weight"], t[f"synthesis.layer{i}.affine.bias"])
        x = modulated_conv2d(x, t[f"synthesis.layer{i}.weight"], style, True, 1)
        x = leaky_relu(x + t[f"synthesis.layer{i}.bias"][None, :, None, None]) * GAIN
        outputs.append(x)
    style = linear(ws[:, NUM_WS - 1], t["synthesis.to_image.affine.weight"], t["synthesis.to_image.affine.bias"])
    x = modulated_conv2d(x, t["synthesis.to_image.weight"], style, False, 0) + t["synthesis.to_image.bias"][None, :, None, None]
    return np.tanh(x).astype(np.float32), outputs


def broadcast(w: np.ndarray) -> np.ndarray:
    return np.repeat(w[:, None, :], NUM_WS, axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "style-generator.safetensors")
    parser.add_argument("--fixture", type=Path, default=REPOSITORY / "Tests" / "StylecastVisionTests" / "Fixtures" / "style_generator_reference.safetensors")
    arguments = parser.parse_args()

    from safetensors import safe_open

    t = load_file(str(arguments.model))
    reference = load_file(str(arguments.fixture))
    with safe_open(str(arguments.fixture), framework="numpy") as handle:
        metadata = handle.metadata()
    psi = float(metadata["truncation_psi"])
    crossover = int(metadata["crossover"])

    z, classes = reference["z"], reference["classes"]
    w = mapping(t, z, classes)
    images, outputs = synthesis(t, broadcast(w))
    style0 = linear(w, t["synthesis.layer0.affine.weight"], t["synthesis.layer0.affine.bias"])
    w_truncated = mapping(t, z, classes, psi)
    images_truncated, _ = synthesis(t, broadcast(w_truncated))
    ws_mixed = broadcast(w)
    ws_mixed[:, crossover:] = np.roll(w, -1, axis=0)[:, None, :]  # fine layers from the next sample
    images_mixed, _ = synthesis(t, ws_mixed)

    computed = {
        "w": w, "style0": style0, "layer0_out": outputs[0], "layer2_out": outputs[2], "images": images,
        "w_truncated": w_truncated, "images_truncated": images_truncated, "ws_mixed": ws_mixed, "images_mixed": images_mixed,
    }
    worst = 0.0
    for name, value in computed.items():
        difference = float(np.abs(value - reference[name]).max())
        worst = max(worst, difference)
        print(f"{name:17s} {str(list(value.shape)):18s} max abs difference {difference:.2e}")
    print(f"numpy vs fixture: worst max abs difference {worst:.2e} (tolerance {TOLERANCE:g}); psi {psi}, crossover {crossover}")
    if not worst <= TOLERANCE:
        raise SystemExit("numpy forward pass does not match the fixture")


if __name__ == "__main__":
    main()
