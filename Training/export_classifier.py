"""Exports the trained garment classifier for the Swift inference engine.

1. Loads the training checkpoint (BatchNorm form) and folds each BatchNorm into the
   convolution before it, checking that the folded model gives the eval-mode BN model's
   logits on the 10,000 test images (max abs difference must be < 1e-4).
2. Writes Shared/StylecastVision/Resources/garment-classifier.safetensors (float32, names conv1..conv4,
   fc1, fc2) with metadata, and MODEL_CARD.md beside it.
3. Reloads the written file and writes the Swift tests' fixture
   Tests/StylecastVisionTests/Fixtures/garment_classifier_reference.safetensors: `logits` [10000, 10] float32 and
   `predicted` [10000] int64 of the folded model on the test images in file order.

    Training/.venv/bin/python Training/export_classifier.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from export_common import machine_description, sha256  # noqa: E402

import numpy as np
import torch
from safetensors.torch import save_file

import fashion_mnist
from garment_classifier import (
    ARCHITECTURE,
    INPUT_DESCRIPTION,
    FoldedGarmentClassifier,
    GarmentClassifier,
    folded_state_dict,
    load_folded,
)

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
FOLD_TOLERANCE = 1e-4
EVAL_BATCH = 1000
# The Swift library bundles the weights as a resource of StylecastVision.
MODEL_PATH = REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "garment-classifier.safetensors"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, default=HERE / "checkpoints" / "garment-classifier.pt")
    parser.add_argument("--log", type=Path, default=HERE / "artifacts" / "garment-classifier" / "training_log.json")
    parser.add_argument("--out-dir", type=Path, default=HERE / "artifacts" / "garment-classifier")
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="where the Swift library loads the weights from")
    parser.add_argument("--fixture", type=Path, default=REPOSITORY / "Tests" / "StylecastVisionTests" / "Fixtures" / "garment_classifier_reference.safetensors")
    parser.add_argument("--data-dir", type=Path, default=fashion_mnist.DEFAULT_DIR)
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


@torch.no_grad()
def logits_of(model: torch.nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Float32 logits [N, 10] in eval mode, in batches of EVAL_BATCH, in input order."""
    model.eval()
    return torch.cat([model(images[start : start + EVAL_BATCH]) for start in range(0, images.shape[0], EVAL_BATCH)])


def per_class_accuracy(predicted: np.ndarray, labels: np.ndarray) -> list[float]:
    return [float((predicted[labels == c] == c).mean()) for c in range(len(fashion_mnist.CLASSES))]


def display(path: Path) -> str:
    """The path relative to the repository when it is inside it."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPOSITORY)) if resolved.is_relative_to(REPOSITORY) else str(resolved)




def confusion_lines(predicted: np.ndarray, labels: np.ndarray) -> list[str]:
    classes = fashion_mnist.CLASSES
    matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    short = ["T-shirt", "Trouser", "Pullov", "Dress", "Coat", "Sandal", "Shirt", "Sneak", "Bag", "Boot"]
    lines = ["| true \\ predicted | " + " | ".join(short) + " |", "|---" * (len(short) + 1) + "|"]
    for c, row in enumerate(matrix):
        lines.append(f"| {classes[c]} | " + " | ".join(str(v) for v in row) + " |")
    return lines


def write_model_card(path: Path, *, log: dict, accuracy: float, per_class: list[float], fold_diff: float,
                     bn_accuracy: float, predicted: np.ndarray, labels: np.ndarray, model_sha: str,
                     model_bytes: int, threads: int) -> None:
    hp = log["hyper_parameters"]
    epochs = log["epochs"]
    classes = fashion_mnist.CLASSES
    epoch_rows = [
        f"| {e['epoch']} | {e['train_loss']:.4f} | {e['train_accuracy']:.4f} | {e['test_loss']:.4f} | {e['test_accuracy']:.4f} | {e['epoch_seconds']:.0f} |"
        for e in epochs
    ]
    class_rows = [f"| {c} | {classes[c]} | {per_class[c]:.4f} |" for c in range(len(classes))]
    completed = log.get("completed_epochs", len(epochs))
    text = f"""# Garment classifier (Fashion-MNIST)

A small CNN that tells which of ten garment classes a 28x28 grey image shows. The ingest
service uses it to label images, and the image-generation evaluation uses it to score
conditional accuracy. Trained by `Training/train_classifier.py`, exported by
`Training/export_classifier.py`; run in Swift from `Shared/StylecastVision/Resources/garment-classifier.safetensors`.

## Result
- **Test accuracy: {accuracy:.4f}** ({int(round(accuracy * len(labels)))} / {len(labels)} Fashion-MNIST test images), computed
  with the exported (folded) weights. The eval-mode BatchNorm model scores {bn_accuracy:.4f}.
- Training: {completed} epochs in {log['training_seconds']:.0f} s ({log['training_seconds'] / 60:.1f} min) on {machine_description(hp['threads'])}, torch {log['torch']}.

| class | name | test accuracy |
|---|---|---|
{chr(10).join(class_rows)}

Confusion matrix (rows: true class, columns: predicted; 1,000 test images per class):

{chr(10).join(confusion_lines(predicted, labels))}

## Architecture
Input `N,1,28,28` float32 = pixel / 255 (no mean/std normalisation). Output: 10 logits.
```
block1: Conv2d(1, 32, 3, padding=1) -> BatchNorm2d(32) -> ReLU -> Conv2d(32, 32, 3, padding=1) -> BatchNorm2d(32) -> ReLU -> MaxPool2d(2)   # 14x14
block2: Conv2d(32, 64, 3, padding=1) -> BatchNorm2d(64) -> ReLU -> Conv2d(64, 64, 3, padding=1) -> BatchNorm2d(64) -> ReLU -> MaxPool2d(2)  # 7x7
head:   Flatten (NCHW order, 64*7*7 = 3136) -> Linear(3136, 128) -> ReLU -> Dropout(0.3) -> Linear(128, 10)
```
{sum(t.numel() for t in GarmentClassifier().parameters()):,} trainable parameters in training form;
{sum(t.numel() for t in FoldedGarmentClassifier().parameters()):,} in the exported form.

## The exported file
`Shared/StylecastVision/Resources/garment-classifier.safetensors` ({model_bytes:,} bytes, sha256 `{model_sha}`), all float32:

| tensor | shape |
|---|---|
| conv1.weight / conv1.bias | [32,1,3,3] / [32] |
| conv2.weight / conv2.bias | [32,32,3,3] / [32] |
| conv3.weight / conv3.bias | [64,32,3,3] / [64] |
| conv4.weight / conv4.bias | [64,64,3,3] / [64] |
| fc1.weight / fc1.bias | [128,3136] / [128] |
| fc2.weight / fc2.bias | [10,128] / [10] |

Convolutions are stride 1, padding 1 (zeros), PyTorch cross-correlation layout
`[out, in, kh, kw]`; linear weights are `[out, in]` (y = x W^T + b); `fc1` reads the
pooled map flattened in NCHW order (index = c*49 + y*7 + x). Dropout is identity at inference.
Metadata: `architecture`, `input`, `classes` (comma-separated, index order), `test_accuracy`.

### BatchNorm folding
Each BatchNorm (eval mode: running mean and variance, eps = 1e-5) is folded into the
convolution before it, per output channel:
`w' = w * gamma / sqrt(var + eps)`, `b' = (b - mean) * gamma / sqrt(var + eps) + beta`
(computed in float64, stored float32). So the file holds plain conv -> ReLU -> pool layers.
Check: on the 10,000 test images the folded model's logits differ from the eval-mode BN
model's by at most **{fold_diff:.2e}** (required < {FOLD_TOLERANCE:g}).

### Swift fixture
`Tests/StylecastVisionTests/Fixtures/garment_classifier_reference.safetensors`: `logits` [10000, 10] float32
(PyTorch, float32, this file's weights reloaded from disk, the test images in file order,
batches of {EVAL_BATCH}) and `predicted` [10000] int64 (argmax), metadata `test_accuracy`
and `model_sha256`. Logits of a correct Swift engine should match to about 1e-4
(different summation order in float32), and the predictions nearly all.

## Data
Fashion-MNIST (Zalando Research, MIT licence) from the Debian package
`dataset-fashion-mnist` (`/usr/share/datasets/fashion-mnist/*.gz`, idx format read and
checked by `Training/fashion_mnist.py`). Trained on the 60,000-image train split only;
the 10,000-image test split is used for the per-epoch report and the numbers above, never
for training or early stopping (the last epoch is exported, whatever its score).
Classes: {", ".join(f"{i} {name}" for i, name in enumerate(classes))}.

## Training
```
bash Training/setup.sh
Training/.venv/bin/python Training/train_classifier.py --epochs {hp['epochs']}
Training/.venv/bin/python Training/export_classifier.py
```
| hyper-parameter | value |
|---|---|
{chr(10).join(f"| {k} | {v} |" for k, v in hp.items())}

Per epoch (test columns are reports only). The 2-core machine is shared, so epoch times
vary with other load on it; about 45 s is the time of an epoch with the machine to itself:

| epoch | train loss | train acc (augmented, dropout on) | test loss | test acc | seconds |
|---|---|---|---|---|---|
{chr(10).join(epoch_rows)}

## Known limits
- Fashion-MNIST only: centred 28x28 grey garments on a black background. Real photos, other
  crops, inverted polarity or colour images must be brought to that form first, and even
  then expect lower accuracy than the figure above (not measured).
- Shirt / T-shirt / Pullover / Coat are the usual confusions (see the matrix); Shirt is
  the weakest class.
- Logits are not calibrated probabilities; softmax confidences are over-confident on
  out-of-distribution images. There is no "not a garment" class.
- One seed, one run: seed-to-seed spread was not measured (typically a few tenths of a point
  for this kind of model).
- CPU training with 2 threads is not bit-reproducible across machines or torch versions.
"""
    path.write_text(text)


def main() -> None:
    arguments = parse_arguments()
    torch.set_num_threads(arguments.threads)

    test_images, test_labels = fashion_mnist.load_split("test", arguments.data_dir)
    x_test = torch.from_numpy(fashion_mnist.to_input(test_images))
    labels = test_labels.astype(np.int64)

    checkpoint = torch.load(arguments.checkpoint, map_location="cpu", weights_only=True)
    bn_model = GarmentClassifier()
    bn_model.load_state_dict(checkpoint["model"])
    bn_model.eval()
    bn_logits = logits_of(bn_model, x_test)

    tensors = folded_state_dict(bn_model)
    folded = FoldedGarmentClassifier()
    folded.load_state_dict(tensors, strict=True)
    folded_logits = logits_of(folded, x_test)
    fold_diff = (folded_logits - bn_logits).abs().max().item()
    print(f"folded vs eval-mode BN: max abs logit difference {fold_diff:.3e}")
    if not fold_diff < FOLD_TOLERANCE:
        raise SystemExit(f"folding check failed: {fold_diff:.3e} >= {FOLD_TOLERANCE}")

    bn_accuracy = float((bn_logits.argmax(1).numpy() == labels).mean())
    accuracy = float((folded_logits.argmax(1).numpy() == labels).mean())

    arguments.out_dir.mkdir(parents=True, exist_ok=True)
    model_path = arguments.model
    model_path.parent.mkdir(parents=True, exist_ok=True)
    save_file(
        tensors,
        str(model_path),
        metadata={
            "architecture": ARCHITECTURE,
            "input": INPUT_DESCRIPTION,
            "classes": ",".join(fashion_mnist.CLASSES),
            "test_accuracy": f"{accuracy:.4f}",
        },
    )

    # The fixture comes from the file as written, so it tests exactly what Swift loads.
    reloaded = load_folded(model_path)
    logits = logits_of(reloaded, x_test).contiguous()
    if not torch.equal(logits, folded_logits):
        raise SystemExit("reloaded model.safetensors gives different logits from the in-memory folded model")
    predicted = logits.argmax(1).to(torch.int64)
    model_sha = sha256(model_path)
    arguments.fixture.parent.mkdir(parents=True, exist_ok=True)
    save_file(
        {"logits": logits, "predicted": predicted.contiguous()},
        str(arguments.fixture),
        metadata={"test_accuracy": f"{accuracy:.4f}", "model_sha256": model_sha},
    )

    per_class = per_class_accuracy(predicted.numpy(), labels)
    log = json.loads(arguments.log.read_text())
    write_model_card(
        arguments.out_dir / "MODEL_CARD.md", log=log, accuracy=accuracy, per_class=per_class, fold_diff=fold_diff,
        bn_accuracy=bn_accuracy, predicted=predicted.numpy(), labels=labels, model_sha=model_sha,
        model_bytes=model_path.stat().st_size, threads=arguments.threads,
    )

    summary = {
        "test_accuracy": round(accuracy, 4),
        "bn_model_test_accuracy": round(bn_accuracy, 4),
        "per_class_accuracy": {name: round(a, 4) for name, a in zip(fashion_mnist.CLASSES, per_class)},
        "fold_max_abs_diff": fold_diff,
        "epochs_trained": log.get("completed_epochs"),
        "training_seconds": log.get("training_seconds"),
        "model": display(model_path),
        "model_bytes": model_path.stat().st_size,
        "model_sha256": model_sha,
        "fixture": display(arguments.fixture),
        "fixture_bytes": arguments.fixture.stat().st_size,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
