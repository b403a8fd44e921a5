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
from torch import nn

from torch_device import timed

threads, warmup, steps, batch, reps, flush = (int(a) for a in sys.argv[1:7])
torch.set_num_threads(threads)
# set_flush_denormal returns whether the CPU can flush, not the setting it was given.
supported = torch.set_flush_denormal(bool(flush))
torch.manual_seed(1)
nz, ngf, ndf, nc = 100, 64, 64, 3


def generator():
    return nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh(),
    )


def discriminator():
    return nn.Sequential(
        nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),
    )


G, D = generator(), discriminator()
optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
loss = nn.BCEWithLogitsLoss()
real = torch.rand(batch, nc, 64, 64) * 2 - 1
ones, zeros = torch.ones(batch), torch.zeros(batch)


def step():
    D.zero_grad()
    fake = G(torch.randn(batch, nz, 1, 1))
    errD = loss(D(real).view(-1), ones) + loss(D(fake.detach()).view(-1), zeros)
    errD.backward()
    optD.step()
    G.zero_grad()
    errG = loss(D(fake).view(-1), ones)
    errG.backward()
    optG.step()


def sample():
    with torch.no_grad():
        G(torch.randn(batch, nz, 1, 1))


train, samples = [], []
for _ in range(reps):
    G.train()
    train.append(steps * batch / timed(step, warmup, steps))
    G.eval()
    samples.append(steps * batch / timed(sample, warmup, steps))
print(json.dumps({"torch": torch.__version__, "flushed": bool(flush) and supported, "train_img_s": train, "sample_img_s": samples}))
