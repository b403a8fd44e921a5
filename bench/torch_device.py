"""Where the PyTorch references compute: BENCH_TORCH_DEVICE (set by bench/common.ts) is 'cpu' or,
on a machine with an NVIDIA GPU, 'cuda', the card webgpu runs on there."""
import os

import torch

DEVICE = os.environ.get('BENCH_TORCH_DEVICE', 'cpu')
if DEVICE != 'cpu':
    torch.set_default_device(DEVICE)
    torch.backends.cudnn.benchmark = True


def sync():
    # CUDA launches return at once: a timer read before the queue drains measures nothing.
    if DEVICE != 'cpu':
        torch.cuda.synchronize()
