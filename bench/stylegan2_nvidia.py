"""The reference for bench/stylegan2.ts: NVIDIA's own StyleGAN2-ADA networks and loss
(training/networks.py and training/loss.py of stylegan2-ada-pytorch), imported from a checkout
given by path and run as its training loop runs them. Nothing of NVIDIA's is copied here: clone
https://github.com/NVlabs/stylegan2-ada-pytorch into a git-ignored folder (e.g. .cache/) and
pass its path. On a CPU its ops take their reference (non-CUDA) implementations.

The network is the paper256 configuration's width (channel base 16384, max 512, 8 mapping
layers, conv_clamp 256, fp32 everywhere: the CPU has no fast fp16), unconditional; style mixing,
path length and augmentation are off on both sides of the comparison.

A training step is NVIDIA's phases in their order — Gmain; Dmain; Dreg (R1) every r1_interval
steps with the gain that lazy regularisation gives it — each with only its own network
requiring gradients, then Adam (lr 0.0025, β (0, 0.99), D's adjusted for the lazy interval) and
the G_ema update. Generation is G_ema with constant noise.

Usage: stylegan2_nvidia.py CHECKOUT threads warmup steps batch resolution repeats flush train
Prints one JSON line: per repetition, generated images/s and (train=1) seconds per step."""
import copy
import json
import sys

checkout, *rest = sys.argv[1:]
threads, warmup, steps, batch, res, repeats, flush, train = (int(a) for a in rest)
sys.path.insert(0, checkout)

import torch  # noqa: E402

from torch_device import DEVICE, timed  # noqa: E402
from training import networks  # noqa: E402  (NVIDIA's)
from training.loss import StyleGAN2Loss  # noqa: E402  (NVIDIA's)

torch.set_num_threads(threads)
torch.set_flush_denormal(bool(flush))
torch.manual_seed(1)
device = torch.device(DEVICE)
R1_INTERVAL = 16
common = dict(c_dim=0, img_resolution=res, img_channels=3)
synthesis_kwargs = dict(channel_base=16384, channel_max=512, num_fp16_res=0, conv_clamp=256)
G = networks.Generator(z_dim=512, w_dim=512, mapping_kwargs=dict(num_layers=8), synthesis_kwargs=synthesis_kwargs, **common).to(device)
D = networks.Discriminator(block_kwargs={}, mapping_kwargs={}, epilogue_kwargs=dict(mbstd_group_size=min(4, batch)), channel_base=16384, channel_max=512, num_fp16_res=0, conv_clamp=256, **common).to(device)
G_ema = copy.deepcopy(G).eval()
for module in (G, D, G_ema):
    module.requires_grad_(False)
# r1_gamma as Leporello's default for this resolution (0.0002 · res² / batch).
loss = StyleGAN2Loss(device, G.mapping, G.synthesis, D, style_mixing_prob=0, r1_gamma=0.0002 * res * res / batch, pl_weight=0)
ratio = R1_INTERVAL / (R1_INTERVAL + 1)
opt_G = torch.optim.Adam(G.parameters(), lr=0.0025, betas=(0, 0.99), eps=1e-8)
opt_D = torch.optim.Adam(D.parameters(), lr=0.0025 * ratio, betas=(0, 0.99 ** ratio), eps=1e-8)
real = torch.rand(batch, 3, res, res, device=device) * 2 - 1
c = torch.zeros(batch, 0, device=device)
step_index = 0


def phase(module, opt, name, gain):
    opt.zero_grad(set_to_none=True)
    module.requires_grad_(True)
    loss.accumulate_gradients(phase=name, real_img=real, real_c=c, gen_z=torch.randn(batch, 512, device=device), gen_c=c, sync=True, gain=gain)
    module.requires_grad_(False)
    opt.step()


def train_step():
    global step_index
    phase(G, opt_G, 'Gmain', 1)
    phase(D, opt_D, 'Dmain', 1)
    if step_index % R1_INTERVAL == 0:
        phase(D, opt_D, 'Dreg', R1_INTERVAL)
    step_index += 1
    with torch.no_grad():
        beta = 0.5 ** (batch / (10 * 1000))
        for p_ema, p in zip(G_ema.parameters(), G.parameters()):
            p_ema.copy_(p.lerp(p_ema, beta))


def generate():
    # inference_mode: PyTorch's fastest setting for drawing.
    with torch.inference_mode():
        G_ema(torch.randn(batch, 512, device=device), c, noise_mode='const')


gen, step_s = [], []
for _ in range(repeats):
    gen.append(steps * batch / timed(generate, warmup, steps))
    if train:
        step_index = 0
        step_s.append(timed(train_step, warmup, steps) / steps)
print(json.dumps({"torch": torch.__version__, "generate_img_s": gen, "train_step_s": step_s}))
