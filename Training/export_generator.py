"""Exports the trained style generator for the Swift inference engine and measures it.

1. Loads the training checkpoint's EMA generator and computes the per-class mean w
   (`mapping.w_avg`, 10,000 z per class) for optional truncation.
2. Bakes every run-time constant into plain float32 tensors (`style_generator.exported_tensors`)
   and checks that the exported forward pass gives the training-form images on 1,000 samples
   (max abs difference must be < 1e-4).
3. Writes Shared/StylecastVision/Resources/style-generator.safetensors with metadata, reloads
   it, and from the reloaded file:
   * conditional accuracy: 1,000 images per class (10,000) labelled by the exported garment
     classifier (input = 8-bit quantised pixel / 255);
   * style mixing: 1,000 (A, B) pairs, A's class 100 per class, B's class uniform, coarse
     layers from A and fine layers from B at every crossover 1..5; share labelled A's class;
   * contact_sheet.png (10x10, rows = classes) and mixing_grid.png (rows = A seeds, columns =
     B seeds, coarse from the row, fine from the column, at the documented crossover);
   * the Swift fixture Tests/StylecastVisionTests/Fixtures/style_generator_reference.safetensors;
   * MODEL_CARD.md.

    Training/.venv/bin/python Training/export_generator.py
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import textwrap
import time
import zlib
from pathlib import Path

from export_common import machine_description, sha256  # noqa: E402

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
from safetensors.torch import save_file

import fashion_mnist
import style_generator as sg
from garment_classifier import load_folded

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
MODEL_PATH = REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "style-generator.safetensors"
CLASSIFIER_PATH = REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "garment-classifier.safetensors"
FIXTURE_PATH = REPOSITORY / "Tests" / "StylecastVisionTests" / "Fixtures" / "style_generator_reference.safetensors"
EXPORT_TOLERANCE = 1e-4
TRUNCATION_PSI = 0.7
W_AVG_SAMPLES = 10_000
W_AVG_SEED = 1
ACCURACY_SEED = 2
MIXING_SEED = 3
SHEET_SEED = 4
GRID_SEED = 5
FIXTURE_SEED = 6
FIXTURE_CLASSES = (0, 3, 7, 9)
BATCH = 500
DEFAULT_TRAINING_COMMAND = "Training/.venv/bin/python Training/train_generator.py"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, default=HERE / "checkpoints" / "style-generator.pt")
    parser.add_argument("--log", type=Path, default=HERE / "artifacts" / "style-generator" / "training_log.json")
    parser.add_argument("--out-dir", type=Path, default=HERE / "artifacts" / "style-generator")
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="where the Swift library loads the weights from")
    parser.add_argument("--fixture", type=Path, default=FIXTURE_PATH)
    parser.add_argument("--classifier", type=Path, default=CLASSIFIER_PATH)
    parser.add_argument("--crossover", type=int, default=sg.DEFAULT_CROSSOVER, help="documented crossover: layers 0..<k from A")
    parser.add_argument("--per-class", type=int, default=1000, help="generated images per class for the accuracy figure")
    parser.add_argument("--mixing-pairs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------
# Small helpers


def write_png(path: Path, pixels: np.ndarray) -> None:
    """8-bit greyscale PNG from uint8 [H, W], with zlib and struct only (no Pillow here)."""
    height, width = pixels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + pixels[row].astype(np.uint8).tobytes() for row in range(height))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """[-1, 1] images [N, 1, 28, 28] -> uint8 [N, 28, 28]: round((x + 1) / 2 * 255), clamped."""
    return torch.round(((images[:, 0] + 1) * 127.5).clamp(0, 255)).to(torch.uint8).numpy()


def tile(images: list[list[np.ndarray | None]], scale: int = 2, gap: int = 2, background: int = 64) -> np.ndarray:
    """A grid of uint8 28x28 tiles (None = empty), each scaled up `scale` times (nearest)."""
    rows, cols = len(images), len(images[0])
    size = 28 * scale
    sheet = np.full((rows * size + (rows + 1) * gap, cols * size + (cols + 1) * gap), background, dtype=np.uint8)
    for r, row in enumerate(images):
        for c, image in enumerate(row):
            if image is None:
                continue
            y, x = gap + r * (size + gap), gap + c * (size + gap)
            sheet[y : y + size, x : x + size] = np.kron(image, np.ones((scale, scale), dtype=np.uint8))
    return sheet



def display(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPOSITORY)) if resolved.is_relative_to(REPOSITORY) else str(resolved)



# ---------------------------------------------------------------------------------------------
# Measurements from the exported tensors


@torch.no_grad()
def generate(tensors: dict[str, torch.Tensor], z: torch.Tensor, classes: torch.Tensor, psi: float = 1.0) -> torch.Tensor:
    return torch.cat([
        sg.exported_forward(tensors, z[s : s + BATCH], classes[s : s + BATCH], psi) for s in range(0, z.shape[0], BATCH)
    ])


@torch.no_grad()
def classify(classifier: torch.nn.Module, images: torch.Tensor) -> np.ndarray:
    """Classifier labels of [-1, 1] images, fed as the 8-bit pixels / 255 a PNG would hold."""
    pixels = torch.from_numpy(to_uint8(images).astype(np.float32) / 255.0)[:, None]
    return torch.cat([classifier(pixels[s : s + BATCH]).argmax(1) for s in range(0, pixels.shape[0], BATCH)]).numpy()


def confusion_lines(predicted: np.ndarray, labels: np.ndarray) -> list[str]:
    classes = fashion_mnist.CLASSES
    matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    short = ["T-shirt", "Trouser", "Pullov", "Dress", "Coat", "Sandal", "Shirt", "Sneak", "Bag", "Boot"]
    lines = ["| asked \\ classified | " + " | ".join(short) + " |", "|---" * (len(short) + 1) + "|"]
    for c, row in enumerate(matrix):
        lines.append(f"| {classes[c]} | " + " | ".join(str(v) for v in row) + " |")
    return lines


@torch.no_grad()
def mixing_study(tensors: dict[str, torch.Tensor], classifier: torch.nn.Module, pairs: int) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """Keep-A / take-B shares for every crossover 1..NUM_WS-1 over `pairs` (A, B) pairs."""
    rng = torch.Generator().manual_seed(MIXING_SEED)
    class_a = torch.arange(sg.NUM_CLASSES).repeat_interleave(pairs // sg.NUM_CLASSES)
    n = class_a.shape[0]
    class_b = torch.randint(0, sg.NUM_CLASSES, (n,), generator=rng)
    z_a = torch.randn(n, sg.Z_DIM, generator=rng)
    z_b = torch.randn(n, sg.Z_DIM, generator=rng)
    w_a = sg.exported_mapping(tensors, z_a, class_a)
    w_b = sg.exported_mapping(tensors, z_b, class_b)
    a, b = class_a.numpy(), class_b.numpy()
    different = a != b
    rows = []
    for crossover in range(1, sg.NUM_WS):
        ws = sg.mix_ws(w_a, w_b, crossover)
        images = torch.cat([sg.exported_synthesis(tensors, ws[s : s + BATCH]) for s in range(0, n, BATCH)])
        predicted = classify(classifier, images)
        rows.append({
            "crossover": crossover,
            "layers_from_a": f"0..<{crossover}",
            "keep_a_all": float((predicted == a).mean()),
            "keep_a_different_class": float((predicted[different] == a[different]).mean()),
            "take_b_different_class": float((predicted[different] == b[different]).mean()),
        })
    return rows, a, b


# ---------------------------------------------------------------------------------------------


def main() -> None:
    arguments = parse_arguments()
    torch.set_num_threads(arguments.threads)
    torch.set_flush_denormal(True)
    started = time.perf_counter()

    checkpoint = torch.load(arguments.checkpoint, map_location="cpu", weights_only=False)
    generator = sg.StyleGenerator()
    generator.load_state_dict(checkpoint["ema"])
    generator.eval().requires_grad_(False)

    # Per-class mean w, for truncation.
    rng = torch.Generator().manual_seed(W_AVG_SEED)
    with torch.no_grad():
        for c in range(sg.NUM_CLASSES):
            z = torch.randn(W_AVG_SAMPLES, sg.Z_DIM, generator=rng)
            generator.mapping.w_avg[c] = generator.mapping(z, torch.full((W_AVG_SAMPLES,), c)).double().mean(0).float()

    tensors = sg.exported_tensors(generator)
    check_rng = torch.Generator().manual_seed(ACCURACY_SEED + 100)
    z = torch.randn(1000, sg.Z_DIM, generator=check_rng)
    classes = torch.arange(1000) % sg.NUM_CLASSES
    with torch.no_grad():
        training_form = torch.cat([generator(z[s : s + BATCH], classes[s : s + BATCH]) for s in range(0, 1000, BATCH)])
        training_form_truncated = torch.cat([generator(z[s : s + BATCH], classes[s : s + BATCH], TRUNCATION_PSI) for s in range(0, 1000, BATCH)])
    export_diff = max(
        (generate(tensors, z, classes) - training_form).abs().max().item(),
        (generate(tensors, z, classes, TRUNCATION_PSI) - training_form_truncated).abs().max().item(),
    )
    print(f"exported vs training-form forward: max abs difference {export_diff:.3e}", flush=True)
    if not export_diff < EXPORT_TOLERANCE:
        raise SystemExit(f"export check failed: {export_diff:.3e} >= {EXPORT_TOLERANCE}")

    log = json.loads(arguments.log.read_text())
    hp = log["hyper_parameters"]
    command = log.get("command", DEFAULT_TRAINING_COMMAND)
    arguments.model.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "architecture": sg.ARCHITECTURE,
        "input": sg.INPUT_DESCRIPTION,
        "training_command": command,
        "z_dim": str(sg.Z_DIM),
        "w_dim": str(sg.W_DIM),
        "num_ws": str(sg.NUM_WS),
        "num_classes": str(sg.NUM_CLASSES),
        "classes": ",".join(fashion_mnist.CLASSES),
        "default_crossover": str(arguments.crossover),
        "lrelu_slope": str(sg.LRELU_SLOPE),
        "synthesis_activation_gain": "sqrt(2)",
        "demodulation_epsilon": str(sg.DEMOD_EPSILON),
        "weights": "EMA of the generator weights",
    }

    # Write, reload, and measure everything from the reloaded file.
    save_file(tensors, str(arguments.model), metadata=metadata)
    tensors = sg.load_exported(arguments.model)
    classifier = load_folded(arguments.classifier)
    model_sha = sha256(arguments.model)

    rng = torch.Generator().manual_seed(ACCURACY_SEED)
    labels = torch.arange(sg.NUM_CLASSES).repeat_interleave(arguments.per_class)
    z = torch.randn(labels.shape[0], sg.Z_DIM, generator=rng)
    predicted = classify(classifier, generate(tensors, z, labels))
    predicted_truncated = classify(classifier, generate(tensors, z, labels, TRUNCATION_PSI))
    y = labels.numpy()
    accuracy = float((predicted == y).mean())
    per_class = [float((predicted[y == c] == c).mean()) for c in range(sg.NUM_CLASSES)]
    accuracy_truncated = float((predicted_truncated == y).mean())
    per_class_truncated = [float((predicted_truncated[y == c] == c).mean()) for c in range(sg.NUM_CLASSES)]
    print(f"conditional accuracy on {labels.shape[0]} samples: {accuracy:.4f} (psi {TRUNCATION_PSI}: {accuracy_truncated:.4f})", flush=True)

    mixing, _, _ = mixing_study(tensors, classifier, arguments.mixing_pairs)
    for row in mixing:
        print("mixing " + json.dumps(row), flush=True)
    documented = next(row for row in mixing if row["crossover"] == arguments.crossover)

    # Pictures.
    arguments.out_dir.mkdir(parents=True, exist_ok=True)
    rng = torch.Generator().manual_seed(SHEET_SEED)
    sheet_classes = torch.arange(sg.NUM_CLASSES).repeat_interleave(10)
    sheet = to_uint8(generate(tensors, torch.randn(100, sg.Z_DIM, generator=rng), sheet_classes))
    write_png(arguments.out_dir / "contact_sheet.png", tile([[sheet[r * 10 + c] for c in range(10)] for r in range(10)]))

    rng = torch.Generator().manual_seed(GRID_SEED)
    grid_classes = torch.arange(sg.NUM_CLASSES)
    w_rows = sg.exported_mapping(tensors, torch.randn(10, sg.Z_DIM, generator=rng), grid_classes)
    w_cols = sg.exported_mapping(tensors, torch.randn(10, sg.Z_DIM, generator=rng), grid_classes)
    with torch.no_grad():
        row_images = to_uint8(sg.exported_synthesis(tensors, sg.broadcast_ws(w_rows)))
        col_images = to_uint8(sg.exported_synthesis(tensors, sg.broadcast_ws(w_cols)))
        mixed = to_uint8(sg.exported_synthesis(
            tensors, sg.mix_ws(w_rows.repeat_interleave(10, 0), w_cols.repeat(10, 1), arguments.crossover)
        ))
    grid = [[None] + [col_images[c] for c in range(10)]]
    grid += [[row_images[r]] + [mixed[r * 10 + c] for c in range(10)] for r in range(10)]
    write_png(arguments.out_dir / "mixing_grid.png", tile(grid))

    # Swift fixture, from the reloaded file.
    rng = torch.Generator().manual_seed(FIXTURE_SEED)
    fixture_classes = torch.tensor(FIXTURE_CLASSES, dtype=torch.int64)
    fixture_z = torch.randn(len(FIXTURE_CLASSES), sg.Z_DIM, generator=rng)
    with torch.no_grad():
        w = sg.exported_mapping(tensors, fixture_z, fixture_classes)
        w_truncated = sg.exported_mapping(tensors, fixture_z, fixture_classes, TRUNCATION_PSI)
        # Mixing: sample i's coarse layers with sample (i + 1) % 4's fine layers.
        ws_mixed = sg.mix_ws(w, w.roll(-1, 0), arguments.crossover).contiguous()
        x = tensors["synthesis.const"][None].expand(len(FIXTURE_CLASSES), -1, -1, -1)
        layer_outputs = []
        ws = sg.broadcast_ws(w)
        for index, (_, _, upsample, _) in enumerate(sg.SYNTHESIS_LAYERS):
            if upsample:
                x = torch.nn.functional.interpolate(x, scale_factor=2, mode="nearest")
            x = sg._exported_modulated(tensors, f"synthesis.layer{index}", x, ws[:, index], True, 1)
            x = torch.nn.functional.leaky_relu(x, sg.LRELU_SLOPE) * sg.LRELU_GAIN
            layer_outputs.append(x)
        images = sg.exported_synthesis(tensors, ws)
        images_truncated = sg.exported_synthesis(tensors, sg.broadcast_ws(w_truncated))
        images_mixed = sg.exported_synthesis(tensors, ws_mixed)
        style0 = torch.nn.functional.linear(w, tensors["synthesis.layer0.affine.weight"], tensors["synthesis.layer0.affine.bias"])
    fixture = {
        "z": fixture_z,
        "classes": fixture_classes,
        "w": w,
        "style0": style0,
        "layer0_out": layer_outputs[0],
        "layer2_out": layer_outputs[2],
        "images": images,
        "w_truncated": w_truncated,
        "images_truncated": images_truncated,
        "ws_mixed": ws_mixed,
        "images_mixed": images_mixed,
    }
    fixture = {name: tensor.contiguous().clone() for name, tensor in fixture.items()}
    arguments.fixture.parent.mkdir(parents=True, exist_ok=True)
    save_file(fixture, str(arguments.fixture), metadata={
        "model_sha256": model_sha,
        "truncation_psi": str(TRUNCATION_PSI),
        "crossover": str(arguments.crossover),
        "mixing": "ws_mixed[i] = w[i] for layers 0..<crossover, w[(i + 1) % 4] for layers crossover..<6",
        "z_seed": f"torch.Generator().manual_seed({FIXTURE_SEED}); torch.randn(4, 64)",
    })

    export_seconds = time.perf_counter() - started
    results = {
        "export_diff": export_diff,
        "accuracy": accuracy,
        "per_class": per_class,
        "accuracy_truncated": accuracy_truncated,
        "per_class_truncated": per_class_truncated,
        "mixing": mixing,
        "documented_mixing": documented,
        "crossover": arguments.crossover,
        "model_sha": model_sha,
        "model_bytes": arguments.model.stat().st_size,
        "fixture_bytes": arguments.fixture.stat().st_size,
        "export_seconds": export_seconds,
        "command": command,
    }
    write_model_card(arguments.out_dir / "MODEL_CARD.md", log=log, results=results, predicted=predicted, labels=y,
                     per_class_count=arguments.per_class, threads=arguments.threads)
    (arguments.out_dir / "evaluation.json").write_text(json.dumps(
        {k: v for k, v in results.items() if k not in ("command",)} | {"per_class_names": list(fashion_mnist.CLASSES)}, indent=2) + "\n")
    summary = {
        "conditional_accuracy": round(accuracy, 4),
        "per_class": {name: round(a, 4) for name, a in zip(fashion_mnist.CLASSES, per_class)},
        "conditional_accuracy_psi_0_7": round(accuracy_truncated, 4),
        "mixing_keep_a_at_crossover": {str(r["crossover"]): round(r["keep_a_different_class"], 4) for r in mixing},
        "export_max_abs_diff": export_diff,
        "model": display(arguments.model),
        "model_bytes": arguments.model.stat().st_size,
        "model_sha256": model_sha,
        "fixture": display(arguments.fixture),
        "fixture_bytes": arguments.fixture.stat().st_size,
        "seconds": round(export_seconds, 1),
    }
    print(json.dumps(summary, indent=2))


def write_model_card(path: Path, *, log: dict, results: dict, predicted: np.ndarray, labels: np.ndarray,
                     per_class_count: int, threads: int) -> None:
    hp = log["hyper_parameters"]
    classes = fashion_mnist.CLASSES
    crossover = results["crossover"]
    documented = results["documented_mixing"]
    class_rows = [
        f"| {c} | {classes[c]} | {results['per_class'][c]:.4f} | {results['per_class_truncated'][c]:.4f} |" for c in range(len(classes))
    ]
    mixing_rows = [
        f"| {r['crossover']} | {r['layers_from_a']} | {r['keep_a_all']:.4f} | {r['keep_a_different_class']:.4f} | {r['take_b_different_class']:.4f} |"
        for r in results["mixing"]
    ]
    # One row per iteration (a run that stops right after a periodic check logs it twice).
    evaluations = list({e["iteration"]: e for e in log.get("evaluations", [])}.values())
    eval_rows = [
        f"| {e['iteration']} | {e['kimg']:.1f} | {e['elapsed_seconds'] / 60:.1f} | {e['conditional_accuracy_1000']:.3f} |" for e in evaluations
    ]
    progress = log.get("progress", [])
    speeds = [p["img_per_s"] for p in progress]
    median_speed = float(np.median(speeds)) if speeds else float("nan")
    shape_rows = [f"| `{name}` | [{','.join(str(d) for d in shape)}] |" for name, shape in sg.EXPORTED_SHAPES.items()]
    generator_params = log.get("generator_parameters", 0)
    epochs_seen = log.get("epochs_seen", 0)
    training_seconds = log.get("training_seconds", 0)
    layer_rows = []
    for index, (cin, cout, upsample, resolution) in enumerate(sg.SYNTHESIS_LAYERS):
        layer_rows.append(
            f"| {index} | {'nearest 2x, then ' if upsample else ''}modulated 3x3, demodulated | {cin} -> {cout} | {resolution}x{resolution} | w_{index} |"
        )
    layer_rows.append(f"| to_image | modulated 1x1, not demodulated, + bias, tanh | {sg.IMAGE_CHANNELS} -> 1 | 28x28 | w_{sg.NUM_WS - 1} |")
    # The op-for-op forward pass from style_generator's docstring, without its first line.
    block = sg.__doc__.split("The exported forward pass, op for op", 1)[1].split("No noise inputs", 1)[0]
    forward_pass = textwrap.dedent("\n".join(block.splitlines()[1:])).strip()
    text = f"""# Style generator (Fashion-MNIST, class-conditional)

A small class-conditional StyleGAN-2-style generator: a class id and a 64-d standard-normal
z give a 28x28 grey garment image. Separate style inputs per layer allow style mixing
(coarse layers from one w, fine layers from another) and per-class truncation. Trained by
`Training/train_generator.py`, exported by `Training/export_generator.py`; the Swift engine
runs it from `Shared/StylecastVision/Resources/style-generator.safetensors`, and
`Training/verify_generator_numpy.py` is the same forward pass in NumPy only (the spec of the
Swift port).

## Result
- **Conditional accuracy: {results['accuracy']:.4f}** on {len(labels):,} generated images ({per_class_count:,} per class,
  psi = 1, no truncation), labelled by the exported garment classifier
  (`Shared/StylecastVision/Resources/garment-classifier.safetensors`, 93.75 % on real test images), fed
  the 8-bit quantised pixels / 255. With truncation psi = {TRUNCATION_PSI} towards the class mean: {results['accuracy_truncated']:.4f}.
- **Style mixing** at the documented crossover **{crossover}** (layers 0..<{crossover} from A, i.e. the 7x7
  layer{' and the first 14x14 layer' if crossover == 2 else 's'}; the rest from B): the classifier gives A's class to
  **{documented['keep_a_different_class']:.4f}** of the mixes whose B has a different class
  ({documented['keep_a_all']:.4f} over all pairs). Every crossover is in the table below.
- Training: {training_seconds:.0f} s ({training_seconds / 60:.1f} min) wall (the `--minutes {log.get('minutes_budget', 80):g}` budget
  stopped it; the time includes the periodic accuracy checks and checkpoints), {epochs_seen:.2f} epochs
  ({log.get('nimg', 0):,} real images shown to D, {log.get('iteration', 0):,} iterations of batch {hp['batch']}), on
  {machine_description(hp['threads'])}, torch {log['torch']}. The machine was shared with other jobs
  (Swift builds, benchmarks); the median throughput was {median_speed:.0f} images/s.
- Generator: {generator_params:,} trainable parameters (training form); the exported file holds
  {sg.exported_parameter_count():,} floats (the extra {sg.NUM_CLASSES * sg.W_DIM:,} are `mapping.w_avg`).

| class | name | conditional accuracy (psi 1) | psi {TRUNCATION_PSI} |
|---|---|---|---|
{chr(10).join(class_rows)}

Confusion (rows: class asked for, columns: classifier's label; {per_class_count:,} images per row, psi 1):

{chr(10).join(confusion_lines(predicted, labels))}

The judging classifier was not used in training (the discriminator's auxiliary head is a
separate network trained from scratch). Generated images score higher than real test images
do (93.75 %, Shirt 80 %): the auxiliary-classifier loss pulls samples towards prototypical,
easily recognised shapes of their class, so this figure measures how recognisable the class
is, not how much of the class's variety the generator covers.

![contact sheet](contact_sheet.png)

`contact_sheet.png`: rows are the classes 0..9 ({', '.join(classes)}), ten z each, psi 1.

### Style mixing
For 1,000 pairs (A's class 100 times each class, B's class uniform at random, independent z),
the image made with layers 0..<k from w_A and k..<6 from w_B, labelled by the classifier:

| crossover k | layers from A | keep A (all pairs) | keep A (B of another class) | B's class (B of another class) |
|---|---|---|---|---|
{chr(10).join(mixing_rows)}

![mixing grid](mixing_grid.png)

`mixing_grid.png`: the first row holds the B images (one z per class, classes 0..9 left to
right), the first column the A images (classes 0..9 top to bottom); cell (r, c) has the
coarse layers 0..<{crossover} from row r's w and the fine layers from column c's w.

## Architecture
```
{forward_pass}
```
| layer | op | channels | resolution | style input |
|---|---|---|---|---|
{chr(10).join(layer_rows)}

Each modulated layer has its own affine `style = w_i @ A^T + b` (A: [in, 128]; its bias was
initialised to 1). No noise inputs, no dropout, no batch statistics: the image is a
deterministic function of (z, class) or of the six w's.

## The exported file
`Shared/StylecastVision/Resources/style-generator.safetensors` ({results['model_bytes']:,} bytes, sha256
`{results['model_sha']}`), all float32, EMA weights:

| tensor | shape |
|---|---|
{chr(10).join(shape_rows)}

Linear weights are `[out, in]` (y = x W^T + b), convolution weights `[out, in, kh, kw]`
(cross-correlation, stride 1; zero padding 1 for 3x3, 0 for 1x1), as `Tensor+Modulation.swift`
takes them. Metadata: `architecture`, `input`, `training_command`, `z_dim`, `w_dim`,
`num_ws`, `num_classes`, `classes` (index order), `default_crossover`, `lrelu_slope`,
`synthesis_activation_gain`, `demodulation_epsilon`, `weights`.

### What is baked in, what is applied at run time
Training uses equalized learning rate (weights stored ~N(0,1), scaled at run time). The export
bakes all of those constants in, so the Swift engine applies none of them:
- `mapping.embed`: the learned class embedding with each row already RMS-normalised
  (`e / sqrt(mean(e^2) + 1e-8)`); at run time it is a plain row lookup.
- `mapping.fcI.weight/bias`: parameter x (0.1 lr multiplier / sqrt(fan_in)) and bias x 0.1, both
  also x sqrt(2) (the leaky-ReLU gain, folded because leaky ReLU is positively homogeneous).
  At run time: `leaky_relu(x W^T + b, 0.2)`, no gain.
- `*.affine.weight`: parameter / sqrt(128); `*.affine.bias` as trained.
- `synthesis.layerI.weight`: parameter / sqrt(in * 9); `synthesis.to_image.weight`:
  parameter / sqrt(32). Training demodulates exactly these effective weights with epsilon 1e-8,
  so `modulatedConv2d(..., epsilon: 1e-8)` reproduces it.
- Applied at run time (not in the file): z's RMS normalisation (`z / sqrt(mean(z^2) + 1e-8)`),
  the synthesis activation `leaky_relu(x + bias, 0.2) * sqrt(2)` after each 3x3 layer, and
  `tanh` after `to_image`. Pixels: `round(clamp((x + 1) / 2 * 255, 0, 255))`.
- `mapping.w_avg` [10, 128]: the mean w of 10,000 z per class (computed after training, at
  export); truncation is `w = w_avg[class] + psi * (w - w_avg[class])`, psi = 1 means none.

Check: on 1,000 samples (psi 1 and psi {TRUNCATION_PSI}) the exported forward pass differs from the
training-form EMA generator by at most **{results['export_diff']:.2e}** (required < {EXPORT_TOLERANCE:g}).

### Swift fixture
`Tests/StylecastVisionTests/Fixtures/style_generator_reference.safetensors` ({results['fixture_bytes']:,} bytes;
metadata `model_sha256` names the model file above, `truncation_psi`, `crossover`), computed by
PyTorch from the reloaded file:

| tensor | shape | what |
|---|---|---|
| `z` | [4,64] | `torch.Generator().manual_seed({FIXTURE_SEED})`, `torch.randn(4, 64)` |
| `classes` | [4] int64 | {', '.join(str(c) for c in FIXTURE_CLASSES)} |
| `w` | [4,128] | mapping output, psi 1 |
| `style0` | [4,128] | `w @ synthesis.layer0.affine.weight^T + bias` |
| `layer0_out` | [4,128,7,7] | after layer 0 (activation and gain included) |
| `layer2_out` | [4,64,14,14] | after layer 2 |
| `images` | [4,1,28,28] | output in [-1, 1], psi 1, no mixing |
| `w_truncated` | [4,128] | psi {TRUNCATION_PSI} |
| `images_truncated` | [4,1,28,28] | output with `w_truncated` |
| `ws_mixed` | [4,6,128] | row i: `w[i]` for layers 0..<{crossover}, `w[(i+1) % 4]` for layers {crossover}..<6 |
| `images_mixed` | [4,1,28,28] | output from `ws_mixed` |

`Training/verify_generator_numpy.py` recomputes all of them from the model file with NumPy
(per-sample weight modulation exactly as `Tensor+Modulation.swift` does it) and requires a
max abs difference <= 1e-4. A Swift port should match to about 1e-5 (float32 summation order).
z itself comes from the fixture: the Swift side's random source need not reproduce torch's.

## Data
Fashion-MNIST (Zalando Research, MIT licence) from the Debian package
`dataset-fashion-mnist`, read by `Training/fashion_mnist.py`. Trained on the 60,000-image train
split only, images scaled to [-1, 1] (`pixel / 127.5 - 1`), no augmentation. The test split is
not used. Classes: {", ".join(f"{i} {name}" for i, name in enumerate(classes))}.

## Training
```
bash Training/setup.sh
{results['command']}
Training/.venv/bin/python Training/export_generator.py
Training/.venv/bin/python Training/verify_generator_numpy.py
```
| hyper-parameter | value |
|---|---|
{chr(10).join(f"| {k} | {v} |" for k, v in hp.items())}

Discriminator (training only, {log.get('discriminator_parameters', 0):,} parameters): equalized-lr 3x3 convolutions
1->32 @28, 32->64 stride 2, 64->64 @14, 64->128 stride 2, minibatch-std (group 4), 129->128 @7,
linear 6272->128, each followed by leaky ReLU(0.2) x sqrt(2); heads: linear 128->1 plus the
projection `<embed[class], h>`, and an auxiliary linear 128->10 classifier. Losses per
iteration: D: softplus(D(fake)) + softplus(-D(real)) + aux_weight * CE(aux(real), class), plus
every {hp['r1_interval']} steps {hp['r1_interval']} x gamma/2 x |grad_x D(real)|^2; G: softplus(-D(fake)) +
aux_weight * CE(aux(fake), class of the coarse w).

Conditional accuracy of the EMA generator during training (1,000 images, 100 per class, fixed z, psi 1):

| iteration | kimg | minutes | accuracy |
|---|---|---|---|
{chr(10).join(eval_rows)}

Full per-30-second losses and throughput are in `training_log.json`.

## Known limits
- 28x28 grey Fashion-MNIST-like garments only. Sample quality and diversity were only
  looked at (the PNGs above), not measured: no FID or precision/recall.
- Conditional accuracy is judged by one CNN classifier that itself errs on 6 % of real test
  images, mostly among Shirt / T-shirt / Pullover / Coat; the auxiliary-classifier loss
  favours samples that are easy to classify (see above).
- Style mixing across classes keeps A's class only from the coarse layers; crossover 1 (only
  the 7x7 layer from A) or mixes whose B is a very different garment can give hybrids.
- One seed, one run; CPU training with 2 threads is not bit-reproducible across machines or
  torch versions, so a retrain gives a different model and the fixture must be re-exported
  with it (always commit the model and the fixture from one export run).
"""
    path.write_text(text)


if __name__ == "__main__":
    main()
