"""Where the PyTorch references compute: BENCH_TORCH_DEVICE (set by bench/common.ts) is 'cpu' or,
on a machine with an NVIDIA GPU, 'cuda', the card webgpu runs on there; and how they are timed,
the same way bench/common.ts times Leporello."""
import os
import time

import torch

DEVICE = os.environ.get('BENCH_TORCH_DEVICE', 'cpu')
if DEVICE != 'cpu':
    torch.set_default_device(DEVICE)
    torch.backends.cudnn.benchmark = True


def sync():
    # CUDA launches return at once: a timer read before the queue drains measures nothing.
    if DEVICE != 'cpu':
        torch.cuda.synchronize()


def timed(fn, warmup, steps):
    """Seconds for `steps` calls of fn after `warmup` untimed ones, the device drained at both ends."""
    for _ in range(warmup):
        fn()
    sync()
    t0 = time.perf_counter()
    for _ in range(steps):
        fn()
    sync()
    return time.perf_counter() - t0
