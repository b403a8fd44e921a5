"""The networks and training step of PyTorch's DCGAN example (nz = 100, ngf = ndf = 64), shared by
the speed reference (dcgan_torch.py) and the quality reference (dcgan_quality_torch.py): one
up-sampling block per octave above 8 px, so 64 px is the example exactly and 32 px one block
fewer each way, as Leporello's DCGAN."""
import math

import torch
from torch import nn

nz, ngf, ndf, nc = 100, 64, 64, 3


def generator(res=64):
    blocks = int(math.log2(res)) - 3
    top = ngf * 2 ** blocks
    layers = [nn.ConvTranspose2d(nz, top, 4, 1, 0, bias=False), nn.BatchNorm2d(top), nn.ReLU(True)]
    ch = top
    for _ in range(blocks):
        layers += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU(True)]
        ch //= 2
    return nn.Sequential(*layers, nn.ConvTranspose2d(ch, nc, 4, 2, 1, bias=False), nn.Tanh())


def discriminator(res=64):
    blocks = int(math.log2(res)) - 3
    layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
    ch = ndf
    for _ in range(blocks):
        layers += [nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2, inplace=True)]
        ch *= 2
    return nn.Sequential(*layers, nn.Conv2d(ch, 1, 4, 1, 0, bias=False))


def weights_init(m):
    """The example's initialisation: N(0, 0.02) weights, batch norm's scale N(1, 0.02)."""
    name = m.__class__.__name__
    if name.find('Conv') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif name.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Trainer:
    """Adam at 2e-4, betas (0.5, 0.999), BCE on logits: D on a real batch and on a detached fake,
    then G through D on the same fake."""

    def __init__(self, G, D, batch):
        self.G, self.D = G, D
        self.optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.loss = nn.BCEWithLogitsLoss()
        self.batch = batch
        self.ones, self.zeros = torch.ones(batch), torch.zeros(batch)

    def step(self, real):
        G, D, loss = self.G, self.D, self.loss
        D.zero_grad()
        fake = G(torch.randn(self.batch, nz, 1, 1))
        errD = loss(D(real).view(-1), self.ones) + loss(D(fake.detach()).view(-1), self.zeros)
        errD.backward()
        self.optD.step()
        G.zero_grad()
        errG = loss(D(fake).view(-1), self.ones)
        errG.backward()
        self.optG.step()
