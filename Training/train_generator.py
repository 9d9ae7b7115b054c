"""Trains the class-conditional style generator on the Fashion-MNIST train split (CPU).

GAN training in the StyleGAN-2 manner, scaled down to 2 CPU cores:
* non-saturating logistic loss; lazy R1 penalty on real images every --r1-interval D steps;
* projection discriminator plus an auxiliary classifier head (its cross-entropy on real
  images trains D, on generated images trains G, weighted by --aux-weight);
* style-mixing regularisation: with probability --mixing-prob a sample's layers from a random
  crossover on take the w of a second z, whose class is a random one with probability
  --cross-class-mixing (otherwise the sample's own). The discriminator is told the class of
  the coarse (first) w, so the coarse layers learn to carry the class;
* Adam (betas 0, 0.99), equalized learning rate, an exponential moving average (EMA) of the
  generator weights, which is what gets exported.

Every --eval-minutes the EMA generator makes 1,000 images (100 per class, fixed z) that the
exported garment classifier labels; the share labelled with the class asked for is printed
and logged. A checkpoint (both networks, EMA, optimisers, counters, RNG) is written every
--checkpoint-minutes and at the end, so `--resume` continues a killed run.

    Training/.venv/bin/python Training/train_generator.py                # defaults below
    Training/.venv/bin/python Training/train_generator.py --minutes 3    # a quick smoke run
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

# Idle OpenMP threads sleep instead of spinning: on this shared 2-core machine spinning threads
# made a 2-thread run up to 10x slower whenever another process was busy. Must precede torch.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
import torch.nn.functional as F

import fashion_mnist
import style_generator as sg
from garment_classifier import load_folded

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
CLASSIFIER_PATH = REPOSITORY / "Shared" / "StylecastVision" / "Resources" / "garment-classifier.safetensors"
EVAL_SEED = 12345


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=float, default=30.0, help="stop after this many passes over the 60,000 images (real images shown to D)")
    parser.add_argument("--minutes", type=float, default=80.0, help="stop after this much wall time (summed over resumed runs)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.0025, help="Adam learning rate of G and D (before the lazy-R1 correction of D)")
    parser.add_argument("--r1-gamma", type=float, default=0.2, help="R1 weight: gamma/2 * |grad D(real)|^2")
    parser.add_argument("--r1-interval", type=int, default=16, help="lazy R1: penalty every this many D steps, scaled by it")
    parser.add_argument("--aux-weight", type=float, default=1.0, help="weight of the auxiliary-classifier cross-entropy (0: projection only)")
    parser.add_argument("--mixing-prob", type=float, default=0.9, help="share of generated samples trained with two w's")
    parser.add_argument("--cross-class-mixing", type=float, default=0.5, help="share of mixed samples whose second w has a random class")
    parser.add_argument("--ema-kimg", type=float, default=10.0, help="EMA half-life in thousands of images")
    parser.add_argument("--ema-rampup", type=float, default=0.05, help="EMA half-life is at most this fraction of the images seen")
    parser.add_argument("--seed", type=int, default=20240612)
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads (the machine is shared)")
    parser.add_argument("--eval-minutes", type=float, default=5.0, help="conditional-accuracy check every this many minutes")
    parser.add_argument("--checkpoint-minutes", type=float, default=5.0)
    parser.add_argument("--print-seconds", type=float, default=30.0, help="a progress line every this many seconds")
    parser.add_argument("--data-dir", type=Path, default=fashion_mnist.DEFAULT_DIR)
    parser.add_argument("--classifier", type=Path, default=CLASSIFIER_PATH, help="the exported garment classifier used for the accuracy check")
    parser.add_argument("--out", type=Path, default=HERE / "checkpoints" / "style-generator.pt", help="checkpoint path (git-ignored)")
    parser.add_argument("--log", type=Path, default=HERE / "artifacts" / "style-generator" / "training_log.json")
    parser.add_argument("--resume", action="store_true", help="continue from --out (arguments other than the stopping ones are taken from it)")
    return parser.parse_args()


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def to_pixels(images: torch.Tensor) -> torch.Tensor:
    """[-1, 1] generator output -> the classifier input pixel/255, quantised to 8 bits as a PNG would be."""
    return torch.round(((images + 1) * 127.5).clamp(0, 255)) / 255.0


@torch.no_grad()
def conditional_accuracy(generator: sg.StyleGenerator, classifier: torch.nn.Module, per_class: int = 100, seed: int = EVAL_SEED,
                         batch: int = 500) -> tuple[float, list[float]]:
    """Share of `per_class` images per class that the classifier labels with the class asked for."""
    generator.eval()
    rng = torch.Generator().manual_seed(seed)
    classes = torch.arange(sg.NUM_CLASSES).repeat_interleave(per_class)
    z = torch.randn(classes.shape[0], sg.Z_DIM, generator=rng)
    predicted = torch.cat([
        classifier(to_pixels(generator(z[s : s + batch], classes[s : s + batch]))).argmax(1) for s in range(0, classes.shape[0], batch)
    ])
    correct = (predicted == classes).float()
    return correct.mean().item(), [correct[classes == c].mean().item() for c in range(sg.NUM_CLASSES)]


def sample_ws(generator: sg.StyleGenerator, batch: int, mixing_prob: float, cross_class: float, rng: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(ws [batch, NUM_WS, W_DIM], classes [batch]) with per-sample style mixing; class = class of the coarse w."""
    classes = torch.randint(0, sg.NUM_CLASSES, (batch,), generator=rng)
    z = torch.randn(batch, sg.Z_DIM, generator=rng)
    w = generator.mapping(z, classes)
    ws = sg.broadcast_ws(w)
    if mixing_prob > 0:
        z2 = torch.randn(batch, sg.Z_DIM, generator=rng)
        other = torch.randint(0, sg.NUM_CLASSES, (batch,), generator=rng)
        classes2 = torch.where(torch.rand(batch, generator=rng) < cross_class, other, classes)
        w2 = generator.mapping(z2, classes2)
        cutoff = torch.randint(1, sg.NUM_WS, (batch,), generator=rng)
        mixed = torch.rand(batch, generator=rng) < mixing_prob
        take_second = (torch.arange(sg.NUM_WS)[None, :] >= cutoff[:, None]) & mixed[:, None]
        ws = torch.where(take_second[:, :, None], w2[:, None, :], ws)
    return ws, classes


@torch.no_grad()
def update_ema(ema: torch.nn.Module, model: torch.nn.Module, beta: float) -> None:
    for p_ema, p in zip(ema.parameters(), model.parameters()):
        p_ema.lerp_(p, 1.0 - beta)


def main() -> None:
    arguments = parse_arguments()
    torch.set_num_threads(arguments.threads)
    torch.set_flush_denormal(True)
    rng = seed_everything(arguments.seed)

    images, labels = fashion_mnist.load_split("train", arguments.data_dir)
    x_train = torch.from_numpy(images.astype(np.float32) / 127.5 - 1.0)[:, None]  # [-1, 1]
    y_train = torch.from_numpy(labels.astype(np.int64))
    classifier = load_folded(arguments.classifier)

    generator = sg.StyleGenerator()
    discriminator = sg.ConditionalDiscriminator()
    ema = copy.deepcopy(generator).eval().requires_grad_(False)
    r1_ratio = arguments.r1_interval / (arguments.r1_interval + 1)
    g_optimizer = torch.optim.Adam(generator.parameters(), lr=arguments.lr, betas=(0.0, 0.99), eps=1e-8)
    d_optimizer = torch.optim.Adam(discriminator.parameters(), lr=arguments.lr * r1_ratio, betas=(0.0, 0.99 ** r1_ratio), eps=1e-8)

    hyper_parameters = {
        "batch": arguments.batch,
        "optimizer": "Adam(betas=(0, 0.99), eps=1e-8) for G and D; D lr and beta2 corrected for lazy R1 (x r/(r+1), ^ r/(r+1))",
        "lr": arguments.lr,
        "mapping_lr_multiplier": sg.MAPPING_LR_MULTIPLIER,
        "loss": "non-saturating logistic (softplus)",
        "r1_gamma": arguments.r1_gamma,
        "r1_interval": arguments.r1_interval,
        "aux_weight": arguments.aux_weight,
        "mixing_prob": arguments.mixing_prob,
        "cross_class_mixing": arguments.cross_class_mixing,
        "ema_kimg": arguments.ema_kimg,
        "ema_rampup": arguments.ema_rampup,
        "seed": arguments.seed,
        "threads": arguments.threads,
        "augmentation": "none",
    }
    state = {"iteration": 0, "nimg": 0, "elapsed": 0.0, "evaluations": [], "progress": []}
    command = " ".join(["Training/.venv/bin/python", "Training/train_generator.py", *sys.argv[1:]])
    if arguments.resume:
        checkpoint = torch.load(arguments.out, map_location="cpu", weights_only=False)
        generator.load_state_dict(checkpoint["generator"])
        discriminator.load_state_dict(checkpoint["discriminator"])
        ema.load_state_dict(checkpoint["ema"])
        g_optimizer.load_state_dict(checkpoint["g_optimizer"])
        d_optimizer.load_state_dict(checkpoint["d_optimizer"])
        rng.set_state(checkpoint["rng"])
        torch.set_rng_state(checkpoint["torch_rng"])
        hyper_parameters = checkpoint["hyper_parameters"]
        state = checkpoint["state"]
        command = checkpoint.get("command", command)
        print(f"resumed from {arguments.out}: iteration {state['iteration']}, {state['nimg']} images, {state['elapsed']:.0f} s", flush=True)

    hp = hyper_parameters
    print(
        f"train {tuple(x_train.shape)}; G {sg.parameter_count(generator):,} params, D {sg.parameter_count(discriminator):,}; "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; stop at {arguments.epochs} epochs or {arguments.minutes} min",
        flush=True,
    )
    log = {
        "command": command,
        "minutes_budget": arguments.minutes,
        "epochs_budget": arguments.epochs,
        "hyper_parameters": hp,
        "architecture": sg.ARCHITECTURE,
        "generator_parameters": sg.parameter_count(generator),
        "discriminator_parameters": sg.parameter_count(discriminator),
        "torch": torch.__version__,
        "machine": f"{platform.processor() or platform.machine()}, {arguments.threads} torch threads, CPU only",
    }
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.log.parent.mkdir(parents=True, exist_ok=True)

    def save_checkpoint() -> None:
        temporary = arguments.out.with_suffix(".tmp")
        torch.save(
            {
                "generator": generator.state_dict(), "discriminator": discriminator.state_dict(), "ema": ema.state_dict(),
                "g_optimizer": g_optimizer.state_dict(), "d_optimizer": d_optimizer.state_dict(),
                "rng": rng.get_state(), "torch_rng": torch.get_rng_state(), "hyper_parameters": hp, "state": state,
                "command": command,
            },
            temporary,
        )
        temporary.replace(arguments.out)
        log.update(state)
        log["epochs_seen"] = round(state["nimg"] / x_train.shape[0], 3)
        log["training_seconds"] = round(state["elapsed"], 1)
        arguments.log.write_text(json.dumps(log, indent=2) + "\n")

    def evaluate() -> None:
        accuracy, per_class = conditional_accuracy(ema, classifier)
        record = {
            "iteration": state["iteration"], "kimg": round(state["nimg"] / 1000, 1), "elapsed_seconds": round(state["elapsed"], 1),
            "conditional_accuracy_1000": round(accuracy, 4), "per_class": [round(a, 2) for a in per_class],
        }
        state["evaluations"].append(record)
        print("eval " + json.dumps(record), flush=True)

    batch = hp["batch"]
    n_train = x_train.shape[0]
    order = torch.randperm(n_train, generator=rng)
    cursor = 0
    session_start = time.perf_counter()
    base_elapsed = state["elapsed"]
    last_print = last_eval = last_checkpoint = base_elapsed
    window = {"d": 0.0, "g": 0.0, "r1": 0.0, "aux_real": 0.0, "aux_fake": 0.0, "real_acc": 0.0, "count": 0, "images": 0, "start": time.perf_counter()}

    while True:
        state["elapsed"] = base_elapsed + (time.perf_counter() - session_start)
        if state["nimg"] >= arguments.epochs * n_train or state["elapsed"] >= arguments.minutes * 60:
            break
        generator.train()
        discriminator.train()
        if cursor + batch > n_train:
            order = torch.randperm(n_train, generator=rng)
            cursor = 0
        index = order[cursor : cursor + batch]
        cursor += batch
        real, real_classes = x_train[index], y_train[index]

        # Discriminator step.
        with torch.no_grad():
            ws, fake_classes = sample_ws(generator, batch, hp["mixing_prob"], hp["cross_class_mixing"], rng)
            fake = generator.synthesis(ws)
        do_r1 = hp["r1_gamma"] > 0 and state["iteration"] % hp["r1_interval"] == 0
        real_input = real.detach().requires_grad_(do_r1)
        real_score, real_logits = discriminator(real_input, real_classes)
        fake_score, _ = discriminator(fake, fake_classes)
        aux_real = F.cross_entropy(real_logits, real_classes)
        d_loss = F.softplus(fake_score).mean() + F.softplus(-real_score).mean() + hp["aux_weight"] * aux_real
        if do_r1:
            (gradient,) = torch.autograd.grad(real_score.sum(), real_input, create_graph=True)
            r1 = gradient.square().sum(dim=(1, 2, 3)).mean()
            d_loss = d_loss + r1 * (hp["r1_gamma"] / 2) * hp["r1_interval"]
            window["r1"] += r1.item()
        d_optimizer.zero_grad(set_to_none=True)
        d_loss.backward()
        d_optimizer.step()

        # Generator step.
        ws, fake_classes = sample_ws(generator, batch, hp["mixing_prob"], hp["cross_class_mixing"], rng)
        fake = generator.synthesis(ws)
        fake_score, fake_logits = discriminator(fake, fake_classes)
        aux_fake = F.cross_entropy(fake_logits, fake_classes)
        g_loss = F.softplus(-fake_score).mean() + hp["aux_weight"] * aux_fake
        g_optimizer.zero_grad(set_to_none=True)
        g_loss.backward()
        g_optimizer.step()

        state["iteration"] += 1
        state["nimg"] += batch
        ema_nimg = hp["ema_kimg"] * 1000
        if hp["ema_rampup"] > 0:
            ema_nimg = min(ema_nimg, state["nimg"] * hp["ema_rampup"])
        update_ema(ema, generator, 0.5 ** (batch / max(ema_nimg, 1e-8)))

        window["d"] += d_loss.item()
        window["g"] += g_loss.item()
        window["aux_real"] += aux_real.item()
        window["aux_fake"] += aux_fake.item()
        window["real_acc"] += (real_logits.argmax(1) == real_classes).float().mean().item()
        window["count"] += 1
        window["images"] += batch

        elapsed = base_elapsed + (time.perf_counter() - session_start)
        if elapsed - last_print >= arguments.print_seconds:
            count = window["count"]
            r1_count = max(1, (count + hp["r1_interval"] - 1) // hp["r1_interval"])
            record = {
                "iteration": state["iteration"], "kimg": round(state["nimg"] / 1000, 1), "epoch": round(state["nimg"] / n_train, 2),
                "d_loss": round(window["d"] / count, 4), "g_loss": round(window["g"] / count, 4), "r1": round(window["r1"] / r1_count, 4),
                "aux_ce_real": round(window["aux_real"] / count, 4), "aux_ce_fake": round(window["aux_fake"] / count, 4),
                "d_real_class_acc": round(window["real_acc"] / count, 3),
                "img_per_s": round(window["images"] / (time.perf_counter() - window["start"]), 1), "elapsed_seconds": round(elapsed, 1),
            }
            state["progress"].append(record)
            print(json.dumps(record), flush=True)
            window = {k: 0.0 for k in window} | {"count": 0, "images": 0, "start": time.perf_counter()}
            last_print = elapsed
        if elapsed - last_eval >= arguments.eval_minutes * 60:
            state["elapsed"] = elapsed
            evaluate()
            last_eval = elapsed
        if elapsed - last_checkpoint >= arguments.checkpoint_minutes * 60:
            state["elapsed"] = elapsed
            save_checkpoint()
            last_checkpoint = elapsed

    if not state["evaluations"] or state["evaluations"][-1]["iteration"] != state["iteration"]:
        evaluate()
    save_checkpoint()
    final = state["evaluations"][-1]
    print(
        f"done: {state['iteration']} iterations, {state['nimg'] / n_train:.2f} epochs in {state['elapsed']:.0f} s; "
        f"conditional accuracy (1,000 EMA samples) {final['conditional_accuracy_1000']:.4f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
