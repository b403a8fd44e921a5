"""DCGAN-64 in PyTorch, the reference for bench/train.ts: the architecture of PyTorch's DCGAN
example (ngf = ndf = 64, nz = 100), timed the same way — one warm-up step, then whole D + G
steps, and sampling of one batch. Arguments: threads, steps, batch. Prints one JSON line.
Run by bench/train.ts with Debian's python3 when `import torch` works there."""
import json
import sys
import time

import torch
from torch import nn

from torch_device import sync

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(1)
nz, ngf, ndf, nc = 100, 64, 64, 3
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 64


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


steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
step()
sync()
t0 = time.perf_counter()
for _ in range(steps):
    step()
sync()
train = steps * batch / (time.perf_counter() - t0)
with torch.no_grad():
    G.eval()
    G(torch.randn(batch, nz, 1, 1))
    sync()
    t0 = time.perf_counter()
    G(torch.randn(batch, nz, 1, 1))
    sync()
    sample = batch / (time.perf_counter() - t0)
print(json.dumps({"torch": torch.__version__, "train_img_s": train, "sample_img_s": sample}))
