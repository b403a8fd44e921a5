"""The PyTorch DCGAN example, trained for bench/quality.ts on the very portraits Leporello trains
on: the example's networks (nz = 100, ngf = ndf = 64; at 32 px one block fewer each way, as
Leporello's DCGAN at 32 px), its initialisation (N(0, 0.02) weights, batch norm's scale N(1, 0.02)),
Adam at 2e-4 with betas (0.5, 0.999), BCE, D on real and on a detached fake then G through D. The
data is Leporello's packed dataset file (uint8 NHWC), shuffled each epoch, whole batches only.

Arguments: images.u8, count, resolution, images to train on, batch, seed, samples, out file,
threads. Writes `samples` generated pictures (uint8 NHWC, latents from a fixed generator seed) to
the out file; prints one JSON line with the steps and seconds."""
import json
import sys
import time

import numpy as np
import torch

from dcgan_torch_nets import Trainer, discriminator, generator, nc, nz, weights_init

data_file, count, res, total, batch, seed, samples, out, threads = sys.argv[1:10]
count, res, total, batch, seed, samples, threads = (int(x) for x in (count, res, total, batch, seed, samples, threads))
torch.set_num_threads(threads)
torch.set_flush_denormal(True)
torch.manual_seed(seed)
np.random.seed(seed)
data = np.fromfile(data_file, dtype=np.uint8).reshape(count, res, res, nc)
images = torch.from_numpy(data).permute(0, 3, 1, 2).float().div(127.5).sub(1)


G, D = generator(res), discriminator(res)
G.apply(weights_init)
D.apply(weights_init)
trainer = Trainer(G, D, batch)

per_epoch = count // batch
steps = -(-total // batch)
started = time.perf_counter()
step = 0
while step < steps:
    order = torch.randperm(count)
    for b in range(per_epoch):
        if step >= steps:
            break
        trainer.step(images[order[b * batch:(b + 1) * batch]])
        step += 1
seconds = time.perf_counter() - started

G.eval()
generator_seed = torch.Generator().manual_seed(12345)
with torch.no_grad():
    z = torch.randn(samples, nz, 1, 1, generator=generator_seed)
    pictures = G(z).add(1).mul(127.5).clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()
pictures.tofile(out)
print(json.dumps({"torch": torch.__version__, "steps": steps, "seconds": seconds}))
