#!/usr/bin/env python3
"""Pickles out, checked by NVIDIA's own code (a check, not a CI test: NVIDIA's code is never
copied into the project; give a checkout of stylegan2-ada-pytorch by path).

For each network pickle given, it: creates a scratch project, imports the pickle with Leporello,
exports it again with `leporello export-network --format pkl` (the TensorFlow layout), draws seeds
with `leporello generate --format npy`, then loads the exported file with NVIDIA's
`legacy.load_network_pkl` and draws the same seeds as NVIDIA's generate.py does
(z = RandomState(seed).randn(1, z_dim), G_ema(z, c, truncation_psi, noise_mode)), and prints the
largest absolute difference of the images for each setting. With --run PROJECT:RUN[@AT] it does
the same for a fine-tuned run's checkpoint instead of an imported network.

  /usr/bin/python3 bench/nvidia-roundtrip.py --nvidia .cache/stylegan2-ada-pytorch \
      ../shared/fixtures/stylegan2/sg2-tiny-32.pkl ../shared/fixtures/stylegan2/sg2-cond-64.pkl
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, 'out', 'cli.mjs')
SEEDS = list(range(8))
SETTINGS = [(1.0, 'const'), (0.7, 'const'), (0.5, 'none')]


def leporello(*args):
    done = subprocess.run(['node', CLI, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f'leporello {" ".join(args)} failed:\n{done.stderr}')
    return done.stdout


def read_npy(path):
    return np.load(path)


def check(source_args, pkl, c_dim, label, tmp):
    import torch
    import legacy  # NVIDIA's, from the checkout given with --nvidia

    with open(pkl, 'rb') as f:
        G = legacy.load_network_pkl(f)['G_ema'].eval().requires_grad_(False)
    rows = []
    classes = range(c_dim) if c_dim else [None]
    for psi, noise in SETTINGS:
        for k in classes:
            out = tempfile.mkdtemp(dir=tmp)
            extra = ['--class-index', str(k)] if k is not None else []
            leporello('generate', *source_args, '--seeds', f'{SEEDS[0]}-{SEEDS[-1]}', '--psi', str(psi), '--noise', noise,
                      '--format', 'npy', '--out', out, '--backend', 'cpu', *extra)
            ours = read_npy(os.path.join(out, next(n for n in os.listdir(out) if n.endswith('.npy'))))
            theirs = []
            for seed in SEEDS:
                z = torch.from_numpy(np.random.RandomState(seed).randn(1, G.z_dim))
                c = torch.zeros([1, G.c_dim])
                if k is not None:
                    c[:, k] = 1
                theirs.append(G(z, c, truncation_psi=psi, noise_mode=noise).numpy())
            theirs = np.concatenate(theirs)
            rows.append((label, psi, noise, '-' if k is None else k, ours.shape, float(np.abs(ours - theirs).max()), float(np.abs(theirs).max())))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--nvidia', required=True, help='a checkout of NVlabs/stylegan2-ada-pytorch')
    ap.add_argument('--run', action='append', default=[], help='PROJECT:RUN[@AT] a fine-tuned run to export at a checkpoint')
    ap.add_argument('pickles', nargs='*')
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.nvidia))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, source in enumerate(args.pickles):
            project = os.path.join(tmp, f'p{i}')
            leporello('project', 'create', project)
            info = json.loads(leporello('import-network', project, source, '--json'))
            pkl = os.path.join(tmp, f'export-{i}.pkl')
            leporello('export-network', project, '--network', str(info['id']), '--format', 'pkl', '--out', pkl)
            rows += check([project, '--network', str(info['id'])], pkl, info['cDim'], os.path.basename(source), tmp)
        for j, spec in enumerate(args.run):
            project, _, rest = spec.partition(':')
            run, _, at = rest.partition('@')
            pkl = os.path.join(tmp, f'run-{j}.pkl')
            at_args = ['--at', at] if at else []
            leporello('export-network', project, '--run', run, *at_args, '--format', 'pkl', '--out', pkl)
            rows += check([project, '--run', run, *at_args], pkl, 0, f'run {run}' + (f' at {at}' if at else ''), tmp)
    print('| network | psi | noise | class | images (N, C, H, W) | max abs error vs NVIDIA | max abs value |')
    print('|---|---|---|---|---|---|---|')
    worst = 0.0
    for label, psi, noise, k, shape, err, scale in rows:
        worst = max(worst, err)
        print(f'| {label} | {psi} | {noise} | {k} | {tuple(shape)} | {err:.2e} | {scale:.2f} |')
    print(f'\nlargest difference: {worst:.2e} (target ≤ 1e-3): {"met" if worst <= 1e-3 else "NOT met"}')
    sys.exit(0 if worst <= 1e-3 else 1)


if __name__ == '__main__':
    main()
