"""The class-conditional style-based generator agreed with the Swift engine, and its discriminator.

Two forms of the generator:

* `StyleGenerator` is the training form. Every linear and convolution weight is stored with
  equalized learning rate (the parameter is ~N(0, 1) and is multiplied by a constant at run
  time), the leaky ReLU gain of the mapping network is applied at run time, and the class
  embedding is RMS-normalised at run time.
* `exported_tensors` bakes all of those constants into plain float32 tensors, and
  `exported_forward` runs them with the ops the Swift engine has (linear, embedding lookup,
  concatenation, modulated convolution, nearest 2x upsampling, bias, leaky ReLU, a constant
  gain, tanh). `verify_generator_numpy.py` is the same forward pass in NumPy.

The exported forward pass, op for op (N = batch, L = NUM_WS = 6 style inputs):

    z        [N, 64] float32, standard normal
    class    [N] int in 0..<10
    z_n      = z / sqrt(mean(z^2 over the 64 values) + 1e-8)           per sample
    e        = mapping.embed[class]                                     [N, 64] (rows already normalised)
    x        = concat(z_n, e)                                           [N, 128]
    x        = leaky_relu(x @ mapping.fc0.weight^T + mapping.fc0.bias, 0.2)   (fc0, fc1, fc2 alike)
    w        = x                                                        [N, 128]
    optional truncation: w = w_avg[class] + psi * (w - w_avg[class])    (psi = 1: none)
    ws       = [w] * 6; style mixing at crossover k: ws[i] = w_A for i < k, w_B for i >= k
    x        = broadcast synthesis.const [128, 7, 7] to [N, 128, 7, 7]
    layer i in 0..<5 (layer 1 and layer 3 first upsample x nearest 2x: 7 -> 14, 14 -> 28):
        s    = ws[i] @ layer_i.affine.weight^T + layer_i.affine.bias    [N, in]
        x    = modulatedConv2d(x, layer_i.weight, s, demodulate: true, padding 1, epsilon 1e-8)
        x    = leaky_relu(x + layer_i.bias[None, :, None, None], 0.2) * sqrt(2)
    to_image (style input ws[5]):
        s    = ws[5] @ to_image.affine.weight^T + to_image.affine.bias  [N, 32]
        x    = modulatedConv2d(x, to_image.weight, s, demodulate: false, padding 0) + to_image.bias
        image = tanh(x)                                                  [N, 1, 28, 28] in [-1, 1]
    pixel    = (image + 1) / 2 * 255  (round and clamp to 0...255 for 8-bit)

No noise inputs, no dropout: the output is a deterministic function of (z, class, ws).
"""

from __future__ import annotations

import math
from pathlib import Path

import torch

from export_common import check_exported_shapes
from torch import nn
import torch.nn.functional as F

Z_DIM = 64
NUM_CLASSES = 10
EMBED_DIM = 64
W_DIM = 128
MAPPING_LAYERS = 3
MAPPING_LR_MULTIPLIER = 0.1
CONST_SIZE = 7
# (in channels, out channels, upsample 2x before the convolution, resolution after it)
SYNTHESIS_LAYERS: tuple[tuple[int, int, bool, int], ...] = (
    (128, 128, False, 7),
    (128, 64, True, 14),
    (64, 64, False, 14),
    (64, 32, True, 28),
    (32, 32, False, 28),
)
CONST_CHANNELS = SYNTHESIS_LAYERS[0][0]
IMAGE_CHANNELS = SYNTHESIS_LAYERS[-1][1]
NUM_WS = len(SYNTHESIS_LAYERS) + 1  # one w per modulated convolution, plus to_image
LRELU_SLOPE = 0.2
LRELU_GAIN = math.sqrt(2.0)
DEMOD_EPSILON = 1e-8
NORM_EPSILON = 1e-8
# Crossover documented for the "coarse from A, fine from B" check: layers 0..<k take w_A.
DEFAULT_CROSSOVER = 2

ARCHITECTURE = (
    "mapping: z(64) RMS-normalised ++ class embedding(64, RMS-normalised rows) -> 3 x [linear(128) + leaky_relu(0.2)] -> w(128); "
    "synthesis: const 128x7x7; L0 modconv3x3 128->128 @7; up2 nearest; L1 modconv3x3 128->64 @14; L2 modconv3x3 64->64 @14; "
    "up2 nearest; L3 modconv3x3 64->32 @28; L4 modconv3x3 32->32 @28; each modconv: style = affine(w_i), demodulated (eps 1e-8), "
    "padding 1, then + bias, leaky_relu(0.2) * sqrt(2); to_image: modconv1x1 32->1 (style = affine(w_5), no demodulation) + bias, tanh. "
    "6 style inputs (w_0..w_5) for style mixing; no noise inputs; equalized-lr constants, mapping gains and embedding "
    "normalisation are baked into the exported weights"
)
INPUT_DESCRIPTION = "z: N,64 float32 standard normal; class: N int 0..<10; output N,1,28,28 float32 in [-1,1], pixel = (x+1)/2*255"


def _synthesis_shapes() -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {"synthesis.const": (CONST_CHANNELS, CONST_SIZE, CONST_SIZE)}
    for index, (cin, cout, _, _) in enumerate(SYNTHESIS_LAYERS):
        shapes[f"synthesis.layer{index}.affine.weight"] = (cin, W_DIM)
        shapes[f"synthesis.layer{index}.affine.bias"] = (cin,)
        shapes[f"synthesis.layer{index}.weight"] = (cout, cin, 3, 3)
        shapes[f"synthesis.layer{index}.bias"] = (cout,)
    shapes["synthesis.to_image.affine.weight"] = (IMAGE_CHANNELS, W_DIM)
    shapes["synthesis.to_image.affine.bias"] = (IMAGE_CHANNELS,)
    shapes["synthesis.to_image.weight"] = (1, IMAGE_CHANNELS, 1, 1)
    shapes["synthesis.to_image.bias"] = (1,)
    return shapes


# name: expected shape, in the order the Swift engine reads them. All float32.
EXPORTED_SHAPES: dict[str, tuple[int, ...]] = {
    "mapping.embed": (NUM_CLASSES, EMBED_DIM),
    **{
        name: shape
        for i in range(MAPPING_LAYERS)
        for name, shape in (
            (f"mapping.fc{i}.weight", (W_DIM, Z_DIM + EMBED_DIM if i == 0 else W_DIM)),
            (f"mapping.fc{i}.bias", (W_DIM,)),
        )
    },
    "mapping.w_avg": (NUM_CLASSES, W_DIM),
    **_synthesis_shapes(),
}


# ---------------------------------------------------------------------------------------------
# Training form


def normalize_2nd_moment(x: torch.Tensor, dim: int = 1, eps: float = NORM_EPSILON) -> torch.Tensor:
    return x * (x.square().mean(dim=dim, keepdim=True) + eps).rsqrt()


def leaky_relu_gain(x: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(x, LRELU_SLOPE) * LRELU_GAIN


class EqualLinear(nn.Module):
    """y = x @ (weight * lr_mul / sqrt(in))^T + bias * lr_mul; weight stored ~N(0, 1/lr_mul^2)."""

    def __init__(self, in_features: int, out_features: int, bias_init: float = 0.0, lr_mul: float = 1.0) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / lr_mul)
        self.bias = nn.Parameter(torch.full((out_features,), float(bias_init) / lr_mul))
        self.weight_gain = lr_mul / math.sqrt(in_features)
        self.lr_mul = lr_mul

    def effective(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.weight * self.weight_gain, self.bias * self.lr_mul

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight, bias = self.effective()
        return F.linear(x, weight, bias)


class EqualConv2d(nn.Module):
    """Discriminator convolution with equalized learning rate (weight * 1/sqrt(fan_in))."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.weight_gain = 1.0 / math.sqrt(cin * kernel * kernel)
        self.stride = stride
        self.padding = kernel // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.weight_gain, self.bias, stride=self.stride, padding=self.padding)


def modulated_conv2d(x: torch.Tensor, weight: torch.Tensor, style: torch.Tensor, demodulate: bool, padding: int) -> torch.Tensor:
    """StyleGAN-2 modulated convolution, as Tensor+Modulation.swift defines it (stride 1, no bias).

    Computed the "non-fused" way (scale the input channels, one shared convolution, scale the
    output channels), which is the same function as modulating the weight per sample, and much
    faster on CPU than a grouped convolution:
        conv(x, w * s[c]) * d[o] = conv(x * s[c], w) * d[o],  d[o] = 1/sqrt(sum_{c,i,j} (w[o,c,i,j] s[c])^2 + eps)
    """
    x = x * style[:, :, None, None]
    x = F.conv2d(x, weight, padding=padding)
    if demodulate:
        # sum over c, i, j of (w s)^2 = sum_c s[c]^2 * sum_{i,j} w[o, c, i, j]^2
        coefficients = (style.square() @ weight.square().sum(dim=(2, 3)).t() + DEMOD_EPSILON).rsqrt()
        x = x * coefficients[:, :, None, None]
    return x


class MappingNetwork(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Parameter(torch.randn(NUM_CLASSES, EMBED_DIM))
        self.layers = nn.ModuleList(
            EqualLinear(Z_DIM + EMBED_DIM if i == 0 else W_DIM, W_DIM, lr_mul=MAPPING_LR_MULTIPLIER) for i in range(MAPPING_LAYERS)
        )
        # Per-class mean w, filled in after training (for truncation); not trained.
        self.register_buffer("w_avg", torch.zeros(NUM_CLASSES, W_DIM))

    def forward(self, z: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
        x = torch.cat([normalize_2nd_moment(z), normalize_2nd_moment(self.embed[classes])], dim=1)
        for layer in self.layers:
            x = leaky_relu_gain(layer(x))
        return x


class ModulatedLayer(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int, demodulate: bool) -> None:
        super().__init__()
        self.affine = EqualLinear(W_DIM, cin, bias_init=1.0)
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.weight_gain = 1.0 / math.sqrt(cin * kernel * kernel)
        self.demodulate = demodulate
        self.padding = kernel // 2

    def effective_weight(self) -> torch.Tensor:
        return self.weight * self.weight_gain

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        style = self.affine(w)
        return modulated_conv2d(x, self.effective_weight(), style, self.demodulate, self.padding) + self.bias[None, :, None, None]


class SynthesisNetwork(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.const = nn.Parameter(torch.randn(CONST_CHANNELS, CONST_SIZE, CONST_SIZE))
        self.layers = nn.ModuleList(ModulatedLayer(cin, cout, 3, True) for cin, cout, _, _ in SYNTHESIS_LAYERS)
        self.upsample = [up for _, _, up, _ in SYNTHESIS_LAYERS]
        self.to_image = ModulatedLayer(IMAGE_CHANNELS, 1, 1, False)

    def forward(self, ws: torch.Tensor) -> torch.Tensor:
        """ws [N, NUM_WS, W_DIM] -> images [N, 1, 28, 28] in [-1, 1]."""
        x = self.const[None].expand(ws.shape[0], -1, -1, -1)
        for index, layer in enumerate(self.layers):
            if self.upsample[index]:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = leaky_relu_gain(layer(x, ws[:, index]))
        return torch.tanh(self.to_image(x, ws[:, NUM_WS - 1]))


class StyleGenerator(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.mapping = MappingNetwork()
        self.synthesis = SynthesisNetwork()

    def forward(self, z: torch.Tensor, classes: torch.Tensor, psi: float = 1.0) -> torch.Tensor:
        w = self.mapping(z, classes)
        if psi != 1.0:
            w = truncate(w, self.mapping.w_avg[classes], psi)
        return self.synthesis(broadcast_ws(w))


def broadcast_ws(w: torch.Tensor) -> torch.Tensor:
    """[N, W_DIM] -> [N, NUM_WS, W_DIM], the same w for every layer."""
    return w[:, None, :].expand(-1, NUM_WS, -1)


def mix_ws(w_a: torch.Tensor, w_b: torch.Tensor, crossover: int) -> torch.Tensor:
    """Layers 0..<crossover take w_a (coarse), crossover..<NUM_WS take w_b (fine)."""
    ws = broadcast_ws(w_a).clone()
    ws[:, crossover:] = w_b[:, None, :]
    return ws


def truncate(w: torch.Tensor, w_avg: torch.Tensor, psi: float) -> torch.Tensor:
    return w_avg + psi * (w - w_avg)


# ---------------------------------------------------------------------------------------------
# Discriminator (training only, never exported)


class MinibatchStd(nn.Module):
    """Appends one channel: the mean over channels and pixels of the per-group feature std."""

    def __init__(self, group_size: int = 4) -> None:
        super().__init__()
        self.group_size = group_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        g = min(self.group_size, n)
        if n % g != 0:
            g = 1
        y = x.reshape(g, -1, c, h, w)
        y = (y - y.mean(dim=0)).square().mean(dim=0).add(1e-8).sqrt()  # [n/g, c, h, w]
        y = y.mean(dim=(1, 2, 3)).reshape(-1, 1, 1, 1).repeat(g, 1, h, w)
        return torch.cat([x, y], dim=1)


class ConditionalDiscriminator(nn.Module):
    """Convolutional discriminator with a projection head and an auxiliary classifier head.

    score(x, y) = out(h) + <embed[y], h>   (projection discriminator, Miyato & Koyama 2018)
    class logits = aux(h)                   (AC-GAN auxiliary head; its weight in the loss is a flag)
    """

    def __init__(self, channels: tuple[int, int, int] = (32, 64, 128)) -> None:
        super().__init__()
        c1, c2, c3 = channels
        self.convs = nn.ModuleList(
            [
                EqualConv2d(1, c1, 3),  # 28
                EqualConv2d(c1, c2, 3, stride=2),  # 14
                EqualConv2d(c2, c2, 3),  # 14
                EqualConv2d(c2, c3, 3, stride=2),  # 7
            ]
        )
        self.mbstd = MinibatchStd()
        self.conv_out = EqualConv2d(c3 + 1, c3, 3)  # 7
        self.fc = EqualLinear(c3 * 7 * 7, c3)
        self.out = EqualLinear(c3, 1)
        self.embed = nn.Parameter(torch.randn(NUM_CLASSES, c3) / math.sqrt(c3))
        self.aux = EqualLinear(c3, NUM_CLASSES)

    def forward(self, x: torch.Tensor, classes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for conv in self.convs:
            x = leaky_relu_gain(conv(x))
        x = leaky_relu_gain(self.conv_out(self.mbstd(x)))
        h = leaky_relu_gain(self.fc(x.flatten(1)))
        score = self.out(h).squeeze(1) + (self.embed[classes] * h).sum(dim=1)
        return score, self.aux(h)


# ---------------------------------------------------------------------------------------------
# Exported form


@torch.no_grad()
def exported_tensors(generator: StyleGenerator) -> dict[str, torch.Tensor]:
    """The exported tensors (names of `EXPORTED_SHAPES`), every run-time constant baked in.

    * mapping.embed = the embedding rows RMS-normalised (x / sqrt(mean(x^2) + 1e-8));
    * mapping.fcI = effective equalized-lr weight and bias, both multiplied by sqrt(2)
      (leaky ReLU is positively homogeneous, so lrelu(a)*sqrt(2) = lrelu(sqrt(2)*a));
    * affine and convolution weights = parameter * 1/sqrt(fan_in) (for demodulated layers
      this is what training computes with, so the demodulation epsilon acts identically).
    """
    tensors: dict[str, torch.Tensor] = {}
    mapping = generator.mapping
    tensors["mapping.embed"] = normalize_2nd_moment(mapping.embed.double()).float()
    for index, layer in enumerate(mapping.layers):
        weight, bias = layer.effective()
        tensors[f"mapping.fc{index}.weight"] = (weight.double() * LRELU_GAIN).float()
        tensors[f"mapping.fc{index}.bias"] = (bias.double() * LRELU_GAIN).float()
    tensors["mapping.w_avg"] = mapping.w_avg.float()
    synthesis = generator.synthesis
    tensors["synthesis.const"] = synthesis.const.float()
    named = [(f"synthesis.layer{i}", layer) for i, layer in enumerate(synthesis.layers)]
    named.append(("synthesis.to_image", synthesis.to_image))
    for prefix, layer in named:
        affine_weight, affine_bias = layer.affine.effective()
        tensors[f"{prefix}.affine.weight"] = affine_weight.float()
        tensors[f"{prefix}.affine.bias"] = affine_bias.float()
        tensors[f"{prefix}.weight"] = layer.effective_weight().float()
        tensors[f"{prefix}.bias"] = layer.bias.float()
    tensors = {name: tensor.detach().contiguous().clone() for name, tensor in tensors.items()}
    check_shapes(tensors)
    return tensors


def check_shapes(tensors: dict[str, torch.Tensor]) -> None:
    """Raises ValueError unless `tensors` has exactly the exported names, shapes and float32."""
    check_exported_shapes(tensors, EXPORTED_SHAPES)


def exported_mapping(tensors: dict[str, torch.Tensor], z: torch.Tensor, classes: torch.Tensor, psi: float = 1.0) -> torch.Tensor:
    """w [N, W_DIM] from the exported tensors (see the module docstring)."""
    x = torch.cat([z * (z.square().mean(dim=1, keepdim=True) + NORM_EPSILON).rsqrt(), tensors["mapping.embed"][classes]], dim=1)
    for index in range(MAPPING_LAYERS):
        x = F.leaky_relu(F.linear(x, tensors[f"mapping.fc{index}.weight"], tensors[f"mapping.fc{index}.bias"]), LRELU_SLOPE)
    if psi != 1.0:
        x = truncate(x, tensors["mapping.w_avg"][classes], psi)
    return x


def _exported_modulated(tensors: dict[str, torch.Tensor], prefix: str, x: torch.Tensor, w: torch.Tensor, demodulate: bool, padding: int) -> torch.Tensor:
    """Per-sample weight modulation exactly as Tensor+Modulation.swift spells it out."""
    style = F.linear(w, tensors[f"{prefix}.affine.weight"], tensors[f"{prefix}.affine.bias"])
    weight = tensors[f"{prefix}.weight"]
    modulated = weight[None] * style[:, None, :, None, None]  # [N, out, in, kh, kw]
    if demodulate:
        modulated = modulated * (modulated.square().sum(dim=(2, 3, 4), keepdim=True) + DEMOD_EPSILON).rsqrt()
    n = x.shape[0]
    out = F.conv2d(x.reshape(1, -1, *x.shape[2:]), modulated.reshape(-1, *weight.shape[1:]), padding=padding, groups=n)
    return out.reshape(n, weight.shape[0], *out.shape[2:]) + tensors[f"{prefix}.bias"][None, :, None, None]


def exported_synthesis(tensors: dict[str, torch.Tensor], ws: torch.Tensor) -> torch.Tensor:
    """ws [N, NUM_WS, W_DIM] -> images [N, 1, 28, 28] in [-1, 1] from the exported tensors."""
    x = tensors["synthesis.const"][None].expand(ws.shape[0], -1, -1, -1)
    for index, (_, _, upsample, _) in enumerate(SYNTHESIS_LAYERS):
        if upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = _exported_modulated(tensors, f"synthesis.layer{index}", x, ws[:, index], True, 1)
        x = F.leaky_relu(x, LRELU_SLOPE) * LRELU_GAIN
    return torch.tanh(_exported_modulated(tensors, "synthesis.to_image", x, ws[:, NUM_WS - 1], False, 0))


def exported_forward(tensors: dict[str, torch.Tensor], z: torch.Tensor, classes: torch.Tensor, psi: float = 1.0) -> torch.Tensor:
    return exported_synthesis(tensors, broadcast_ws(exported_mapping(tensors, z, classes, psi)))


def load_exported(path: Path) -> dict[str, torch.Tensor]:
    """The tensors of an exported style-generator.safetensors, shape-checked."""
    from safetensors.torch import load_file

    tensors = load_file(str(path))
    check_shapes(tensors)
    return tensors


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def exported_parameter_count() -> int:
    return sum(math.prod(shape) for shape in EXPORTED_SHAPES.values())
