"""DCGAN-64 in PyTorch, the reference for bench/train.ts: the architecture of PyTorch's DCGAN
example (ngf = ndf = 64, nz = 100) and its training step (D on real and on a detached fake, then
G through D on the same fake), timed as bench/train.ts times Leporello's.

Arguments: threads, warm-up steps, timed steps, batch, repetitions, flush (0/1: denormals
flushed to zero, torch.set_flush_denormal, PyTorch's fastest CPU setting). Each repetition runs
the warm-up steps, then the timed ones; sampling is timed the same way (batches of `batch`).
Prints one JSON line: img/s of every repetition, for training and for sampling."""
import json
import sys

import torch

from dcgan_torch_nets import Trainer, discriminator, generator, nc, nz
from torch_device import timed

threads, warmup, steps, batch, reps, flush = (int(a) for a in sys.argv[1:7])
torch.set_num_threads(threads)
# set_flush_denormal returns whether the CPU can flush, not the setting it was given.
supported = torch.set_flush_denormal(bool(flush))
torch.manual_seed(1)
G, D = generator(), discriminator()
trainer = Trainer(G, D, batch)
real = torch.rand(batch, nc, 64, 64) * 2 - 1


def step():
    trainer.step(real)


def sample():
    # inference_mode: PyTorch's fastest setting for drawing (no autograd bookkeeping at all).
    with torch.inference_mode():
        G(torch.randn(batch, nz, 1, 1))


train, samples = [], []
for _ in range(reps):
    G.train()
    train.append(steps * batch / timed(step, warmup, steps))
    G.eval()
    samples.append(steps * batch / timed(sample, warmup, steps))
print(json.dumps({"torch": torch.__version__, "flushed": bool(flush) and supported, "train_img_s": train, "sample_img_s": samples}))
