"""The garment classifier agreed with the Swift inference engine, in two forms.

`GarmentClassifier` is the training form (convolutions followed by BatchNorm).
`FoldedGarmentClassifier` is the exported form: each BatchNorm folded into the convolution
before it, so the network is plain conv -> ReLU -> pool -> linear, which is exactly what
the Swift engine runs from `model.safetensors`.

Input: float32 [N, 1, 28, 28] = pixel / 255. Output: logits [N, 10].
"""

from __future__ import annotations

from pathlib import Path

import torch

from export_common import check_exported_shapes
from torch import nn
import torch.nn.functional as F

ARCHITECTURE = (
    "conv3x3(1->32)+BN+ReLU, conv3x3(32->32)+BN+ReLU, maxpool2; "
    "conv3x3(32->64)+BN+ReLU, conv3x3(64->64)+BN+ReLU, maxpool2; "
    "flatten NCHW (3136) -> linear(128)+ReLU+dropout(0.3) -> linear(10) logits; "
    "padding 1, stride 1; BatchNorm folded into the convolutions in the exported weights"
)
INPUT_DESCRIPTION = "N,1,28,28 float32 = pixel/255"

# name: expected shape, in the order the Swift engine reads them.
EXPORTED_SHAPES: dict[str, tuple[int, ...]] = {
    "conv1.weight": (32, 1, 3, 3),
    "conv1.bias": (32,),
    "conv2.weight": (32, 32, 3, 3),
    "conv2.bias": (32,),
    "conv3.weight": (64, 32, 3, 3),
    "conv3.bias": (64,),
    "conv4.weight": (64, 64, 3, 3),
    "conv4.bias": (64,),
    "fc1.weight": (128, 3136),
    "fc1.bias": (128,),
    "fc2.weight": (10, 128),
    "fc2.bias": (10,),
}


class GarmentClassifier(nn.Module):
    """The training form, with BatchNorm after every convolution."""

    def __init__(self) -> None:
        super().__init__()
        self.block1 = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.Conv2d(32, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.block2 = nn.Sequential(
            nn.Conv2d(32, 64, 3, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
            nn.Conv2d(64, 64, 3, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128),
            nn.ReLU(inplace=True),
            nn.Dropout(0.3),
            nn.Linear(128, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.block2(self.block1(x)))

    def conv_bn_pairs(self) -> list[tuple[nn.Conv2d, nn.BatchNorm2d]]:
        """The four (convolution, BatchNorm) pairs, in network order (conv1..conv4)."""
        return [
            (self.block1[0], self.block1[1]),
            (self.block1[3], self.block1[4]),
            (self.block2[0], self.block2[1]),
            (self.block2[3], self.block2[4]),
        ]


class FoldedGarmentClassifier(nn.Module):
    """The exported form: plain convolutions with biases, parameter names as in the file."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.conv4 = nn.Conv2d(64, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.conv3(x))
        x = F.max_pool2d(F.relu(self.conv4(x)), 2)
        x = torch.flatten(x, 1)  # NCHW order: index = c * 49 + y * 7 + x
        return self.fc2(F.relu(self.fc1(x)))


def fold_batch_norm(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (weight, bias) of the convolution equal to `bn(conv(x))` with BN in eval mode.

    w' = w * gamma / sqrt(var + eps) per output channel;
    b' = (b - mean) * gamma / sqrt(var + eps) + beta. Computed in float64, returned float32.
    """
    scale = bn.weight.detach().double() / torch.sqrt(bn.running_var.double() + bn.eps)
    weight = conv.weight.detach().double() * scale[:, None, None, None]
    bias = conv.bias.detach().double() if conv.bias is not None else torch.zeros_like(scale)
    bias = (bias - bn.running_mean.double()) * scale + bn.bias.detach().double()
    return weight.float().contiguous(), bias.float().contiguous()


def folded_state_dict(model: GarmentClassifier) -> dict[str, torch.Tensor]:
    """The exported tensors (names of `EXPORTED_SHAPES`), float32 and contiguous."""
    tensors: dict[str, torch.Tensor] = {}
    for index, (conv, bn) in enumerate(model.conv_bn_pairs(), start=1):
        weight, bias = fold_batch_norm(conv, bn)
        tensors[f"conv{index}.weight"] = weight
        tensors[f"conv{index}.bias"] = bias
    fc1, fc2 = model.head[1], model.head[4]
    tensors["fc1.weight"] = fc1.weight.detach().float().contiguous().clone()
    tensors["fc1.bias"] = fc1.bias.detach().float().contiguous().clone()
    tensors["fc2.weight"] = fc2.weight.detach().float().contiguous().clone()
    tensors["fc2.bias"] = fc2.bias.detach().float().contiguous().clone()
    check_shapes(tensors)
    return tensors


def check_shapes(tensors: dict[str, torch.Tensor]) -> None:
    """Raises ValueError unless `tensors` has exactly the exported names, shapes and float32."""
    check_exported_shapes(tensors, EXPORTED_SHAPES)


def load_folded(path: Path) -> FoldedGarmentClassifier:
    """Loads an exported `model.safetensors` into the plain-convolution model, in eval mode."""
    from safetensors.torch import load_file

    tensors = load_file(str(path))
    check_shapes(tensors)
    model = FoldedGarmentClassifier()
    model.load_state_dict(tensors, strict=True)
    return model.eval()
