"""StyleGAN2 in PyTorch, a reference for bench/stylegan2.ts beside NVIDIA's own code
(stylegan2_nvidia.py): the same network as Leporello's (engine/models/stylegan2-networks.ts),
written for this benchmark from the StyleGAN2 paper, not NVIDIA's code, in PyTorch's fastest
formulation of it: modulation as scale -> convolve -> demodulate, upsampling as one transposed
convolution then the 4x4 FIR (NVIDIA's fast path), downsampling as FIR + strided convolution.

A training step is a G step, a D step and, every 16 steps, D's R1 step (lazy regularisation,
gain 16), as NVIDIA's loop schedules them. Arguments: threads, warmup, steps, batch, resolution,
repeats, flush (denormals flushed), train (0/1). Prints one JSON line: per repetition,
generated images/s and seconds per training step."""
import json
import math
import sys

import torch
import torch.nn.functional as F
from torch_device import timed

threads, warmup, steps, batch, res, repeats, flush, train = (int(a) for a in sys.argv[1:9])
torch.set_num_threads(threads)
torch.set_flush_denormal(bool(flush))
torch.manual_seed(1)
Z = W = 512
BASE, CMAX, MAPPING = 16384, 512, 8
FIR = torch.tensor([1.0, 3.0, 3.0, 1.0])
FIR = (FIR[:, None] * FIR[None, :]) / 64


def ch(r):
    return min(BASE // r, CMAX)


def param(*shape, fill=None):
    t = torch.randn(*shape) if fill is None else torch.full(shape, float(fill))
    return torch.nn.Parameter(t)


def lrelu(x, gain=math.sqrt(2), clamp=None):
    x = F.leaky_relu(x, 0.2) * gain
    return x.clamp(-clamp, clamp) if clamp is not None else x


def fir(x, pad, gain=1.0):
    c = x.shape[1]
    k = (FIR * gain)[None, None].repeat(c, 1, 1, 1)
    return F.conv2d(F.pad(x, pad), k, groups=c)


def zero_insert(x):
    n, c, h, w = x.shape
    return F.pad(x.reshape(n, c, h, 1, w, 1), [0, 1, 0, 0, 0, 1]).reshape(n, c, h * 2, w * 2)


def dense(x, w, b, lr=1.0, act=True):
    y = x @ (w * (lr / math.sqrt(w.shape[1]))).t() + b * lr
    return lrelu(y) if act else y


class Synthesis(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.const = param(ch(4), 4, 4)
        self.layers, self.torgb = torch.nn.ParameterDict(), torch.nn.ParameterDict()
        r = 4
        while r <= res:
            for name, cin in ([('conv1', ch(4))] if r == 4 else [('conv0', ch(r // 2)), ('conv1', ch(r))]):
                k = f'b{r}_{name}'
                self.layers[k + '_w'] = param(ch(r), cin, 3, 3)
                self.layers[k + '_aw'] = param(cin, W)
                self.layers[k + '_ab'] = param(cin, fill=1)
                self.layers[k + '_b'] = param(ch(r), fill=0)
                self.layers[k + '_ns'] = param(1, fill=0.1)
            self.torgb[f'b{r}_w'] = param(3, ch(r), 1, 1)
            self.torgb[f'b{r}_aw'] = param(ch(r), W)
            self.torgb[f'b{r}_ab'] = param(ch(r), fill=1)
            self.torgb[f'b{r}_b'] = param(3, fill=0)
            r *= 2

    def modconv(self, x, k, w, up):
        p = self.layers
        s = dense(w, p[k + '_aw'], p[k + '_ab'], act=False)
        weight = p[k + '_w']
        x = x * s[:, :, None, None]
        if up:
            x = fir(F.conv_transpose2d(x, weight.transpose(0, 1), stride=2), [1, 1, 1, 1], gain=4)
        else:
            x = F.conv2d(x, weight, padding=1)
        d = torch.rsqrt(s.square() @ weight.square().sum([2, 3]).t() + 1e-8)
        x = x * d[:, :, None, None] + torch.randn(x.shape[0], 1, x.shape[2], x.shape[3]) * p[k + '_ns']
        return lrelu(x + p[k + '_b'][None, :, None, None], clamp=256)

    def rgb(self, x, r, w):
        t = self.torgb
        s = dense(w, t[f'b{r}_aw'], t[f'b{r}_ab'], act=False) / math.sqrt(x.shape[1])
        y = F.conv2d(x * s[:, :, None, None], t[f'b{r}_w'])
        return (y + t[f'b{r}_b'][None, :, None, None]).clamp(-256, 256)

    def forward(self, w):
        x = self.const[None].repeat(w.shape[0], 1, 1, 1)
        img, r = None, 4
        while r <= res:
            if r > 4:
                x = self.modconv(x, f'b{r}_conv0', w, True)
            x = self.modconv(x, f'b{r}_conv1', w, False)
            y = self.rgb(x, r, w)
            img = y if img is None else fir(zero_insert(img), [2, 1, 2, 1], gain=4) + y
            r *= 2
        return img


class Generator(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.ParameterList([param(W, Z) * 100 for _ in range(MAPPING)])
        self.fb = torch.nn.ParameterList([param(W, fill=0) for _ in range(MAPPING)])
        self.synthesis = Synthesis()

    def forward(self, z):
        x = z * torch.rsqrt(z.square().mean(1, keepdim=True) + 1e-8)
        for w, b in zip(self.fc, self.fb):
            x = dense(x, w, b, lr=0.01)
        return self.synthesis(x)


class Discriminator(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.p = torch.nn.ParameterDict()
        self.p['rgb_w'], self.p['rgb_b'] = param(ch(res), 3, 1, 1), param(ch(res), fill=0)
        r = res
        while r > 4:
            self.p[f'{r}_c0w'], self.p[f'{r}_c0b'] = param(ch(r), ch(r), 3, 3), param(ch(r), fill=0)
            self.p[f'{r}_c1w'], self.p[f'{r}_c1b'] = param(ch(r // 2), ch(r), 3, 3), param(ch(r // 2), fill=0)
            self.p[f'{r}_sk'] = param(ch(r // 2), ch(r), 1, 1)
            r //= 2
        c4 = ch(4)
        self.p['cw'], self.p['cb'] = param(c4, c4 + 1, 3, 3), param(c4, fill=0)
        self.p['fw'], self.p['fb'] = param(c4, c4 * 16), param(c4, fill=0)
        self.p['ow'], self.p['ob'] = param(1, c4), param(1, fill=0)

    def conv(self, x, w, b=None, stride=1, pad=1):
        y = F.conv2d(x, w / math.sqrt(w.shape[1] * w.shape[2] * w.shape[3]), stride=stride, padding=pad)
        return y if b is None else y + b[None, :, None, None]

    def forward(self, img):
        p = self.p
        x = lrelu(self.conv(img, p['rgb_w'], p['rgb_b'], pad=0), clamp=256)
        r = res
        while r > 4:
            skip = self.conv(fir(x, [1, 1, 1, 1])[:, :, ::2, ::2], p[f'{r}_sk'], pad=0) * math.sqrt(0.5)
            x = lrelu(self.conv(x, p[f'{r}_c0w'], p[f'{r}_c0b']), clamp=256)
            x = lrelu(self.conv(fir(x, [2, 2, 2, 2]), p[f'{r}_c1w'], p[f'{r}_c1b'], stride=2, pad=0), gain=1, clamp=256 * math.sqrt(0.5))
            x = skip + x
            r //= 2
        n, c, h, w = x.shape
        g = min(4, n)
        y = x.reshape(g, -1, 1, c, h, w)
        y = (y - y.mean(0)).square().mean(0).add(1e-8).sqrt().mean([2, 3, 4]).reshape(-1, 1, 1, 1).repeat(g, 1, h, w)
        x = lrelu(self.conv(torch.cat([x, y], 1), p['cw'], p['cb']), clamp=256)
        x = dense(x.flatten(1), p['fw'], p['fb'])
        return dense(x, p['ow'], p['ob'], act=False)


G, D = Generator(), Discriminator()
og = torch.optim.Adam(G.parameters(), lr=0.0025, betas=(0.0, 0.99), eps=1e-8)
r = 16 / 17
od = torch.optim.Adam(D.parameters(), lr=0.0025 * r, betas=(0.0, 0.99 ** r), eps=1e-8)
real = torch.rand(batch, 3, res, res) * 2 - 1
step_index = 0


def train_step():
    global step_index
    for p in D.parameters():
        p.requires_grad_(False)
    og.zero_grad()
    F.softplus(-D(G(torch.randn(batch, Z)))).mean().backward()
    og.step()
    for p in D.parameters():
        p.requires_grad_(True)
    od.zero_grad()
    with torch.no_grad():
        fake = G(torch.randn(batch, Z))
    (F.softplus(D(fake)).mean() + F.softplus(-D(real)).mean()).backward()
    od.step()
    if step_index % 16 == 0:
        od.zero_grad()
        x = real.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
        (grad.square().sum([1, 2, 3]).mean() * (0.0002 * res * res / batch / 2) * 16).backward()
        od.step()
    step_index += 1


def generate():
    # inference_mode: PyTorch's fastest setting for drawing.
    with torch.inference_mode():
        G(torch.randn(batch, Z))


gen, step_s = [], []
for _ in range(repeats):
    gen.append(steps * batch / timed(generate, warmup, steps))
    if train:
        step_index = 0
        step_s.append(timed(train_step, warmup, steps) / steps)
print(json.dumps({'torch': torch.__version__, 'generate_img_s': gen, 'train_step_s': step_s}))
