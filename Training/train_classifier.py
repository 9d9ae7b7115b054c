"""Trains the garment classifier on the Fashion-MNIST train split (CPU).

Writes a checkpoint (BatchNorm form, not committed) and a per-epoch log (committed beside
the exported model). `export_classifier.py` turns the checkpoint into model.safetensors.

    Training/.venv/bin/python Training/train_classifier.py            # defaults below
    Training/.venv/bin/python Training/train_classifier.py --epochs 2 # a quick smoke run
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import fashion_mnist
from garment_classifier import GarmentClassifier

HERE = Path(__file__).resolve().parent


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--max-lr", type=float, default=3e-3, help="peak AdamW learning rate of the one-cycle schedule")
    parser.add_argument("--weight-decay", type=float, default=5e-2, help="AdamW decoupled weight decay")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads (the machine is shared)")
    parser.add_argument("--data-dir", type=Path, default=fashion_mnist.DEFAULT_DIR)
    parser.add_argument("--checkpoint", type=Path, default=HERE / "checkpoints" / "garment-classifier.pt")
    parser.add_argument("--log", type=Path, default=HERE / "artifacts" / "garment-classifier" / "training_log.json")
    return parser.parse_args()


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def augment(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random 28x28 crop of the image zero-padded by 2 px, and a horizontal flip half the time.

    Done on the whole batch with one gather, so augmentation costs little next to the convolutions.
    """
    n = batch.shape[0]
    padded = F.pad(batch, (2, 2, 2, 2))
    dy = torch.randint(0, 5, (n,), generator=generator)
    dx = torch.randint(0, 5, (n,), generator=generator)
    steps = torch.arange(28)
    rows = (dy[:, None] + steps)[:, :, None]  # [n, 28, 1]
    cols = dx[:, None] + steps  # [n, 28]
    flip = torch.rand(n, generator=generator) < 0.5
    cols = torch.where(flip[:, None], cols.flip(1), cols)[:, None, :]  # [n, 1, 28]
    crops = padded[torch.arange(n)[:, None, None], 0, rows, cols]
    return crops[:, None, :, :].contiguous()


@torch.no_grad()
def evaluate(model: GarmentClassifier, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 1000) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) in eval mode."""
    model.eval()
    total_loss, correct = 0.0, 0
    for start in range(0, images.shape[0], batch_size):
        logits = model(images[start : start + batch_size])
        target = labels[start : start + batch_size]
        total_loss += F.cross_entropy(logits, target, reduction="sum").item()
        correct += (logits.argmax(1) == target).sum().item()
    return total_loss / images.shape[0], correct / images.shape[0]


def main() -> None:
    arguments = parse_arguments()
    torch.set_num_threads(arguments.threads)
    generator = seed_everything(arguments.seed)

    train_images, train_labels = fashion_mnist.load_split("train", arguments.data_dir)
    test_images, test_labels = fashion_mnist.load_split("test", arguments.data_dir)
    x_train = torch.from_numpy(fashion_mnist.to_input(train_images))
    y_train = torch.from_numpy(train_labels.astype(np.int64))
    x_test = torch.from_numpy(fashion_mnist.to_input(test_images))
    y_test = torch.from_numpy(test_labels.astype(np.int64))
    print(f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}; torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)

    model = GarmentClassifier()
    optimizer = torch.optim.AdamW(model.parameters(), lr=arguments.max_lr, weight_decay=arguments.weight_decay)
    steps_per_epoch = (x_train.shape[0] + arguments.batch_size - 1) // arguments.batch_size
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=arguments.max_lr, epochs=arguments.epochs, steps_per_epoch=steps_per_epoch, pct_start=0.2
    )

    hyper_parameters = {
        "epochs": arguments.epochs,
        "batch_size": arguments.batch_size,
        "optimizer": "AdamW(betas=(0.9, 0.999))",
        "max_lr": arguments.max_lr,
        "weight_decay": arguments.weight_decay,
        "schedule": "OneCycleLR(pct_start=0.2, cosine annealing)",
        "augmentation": "random 28x28 crop of 2-px zero-padded image; horizontal flip p=0.5",
        "loss": "cross-entropy",
        "seed": arguments.seed,
        "threads": arguments.threads,
    }
    log = {
        "hyper_parameters": hyper_parameters,
        "torch": torch.__version__,
        "machine": f"{platform.processor() or platform.machine()}, {arguments.threads} torch threads, CPU only",
        "epochs": [],
    }
    arguments.checkpoint.parent.mkdir(parents=True, exist_ok=True)
    arguments.log.parent.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    for epoch in range(1, arguments.epochs + 1):
        epoch_started = time.perf_counter()
        model.train()
        order = torch.randperm(x_train.shape[0], generator=generator)
        total_loss, correct = 0.0, 0
        for start in range(0, x_train.shape[0], arguments.batch_size):
            index = order[start : start + arguments.batch_size]
            batch = augment(x_train[index], generator)
            target = y_train[index]
            logits = model(batch)
            loss = F.cross_entropy(logits, target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item() * index.shape[0]
            correct += (logits.argmax(1) == target).sum().item()
        train_seconds = time.perf_counter() - epoch_started
        test_loss, test_accuracy = evaluate(model, x_test, y_test)
        record = {
            "epoch": epoch,
            "train_loss": round(total_loss / x_train.shape[0], 5),
            "train_accuracy": round(correct / x_train.shape[0], 5),
            "test_loss": round(test_loss, 5),
            "test_accuracy": round(test_accuracy, 5),
            "epoch_seconds": round(time.perf_counter() - epoch_started, 1),
            "train_seconds": round(train_seconds, 1),
            "elapsed_seconds": round(time.perf_counter() - started, 1),
        }
        log["epochs"].append(record)
        print(json.dumps(record), flush=True)
        # Written every epoch, so a run stopped early still leaves its last model and log.
        torch.save({"model": model.state_dict(), "epoch": epoch, "hyper_parameters": hyper_parameters}, arguments.checkpoint)
        log["completed_epochs"] = epoch
        log["training_seconds"] = round(time.perf_counter() - started, 1)
        arguments.log.write_text(json.dumps(log, indent=2) + "\n")

    print(f"done: {arguments.epochs} epochs in {time.perf_counter() - started:.0f} s, test accuracy {log['epochs'][-1]['test_accuracy']:.4f}")


if __name__ == "__main__":
    main()
