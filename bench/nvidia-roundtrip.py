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

With --cluster it checks the cluster path: a network of the shape train.py builds (made here with
NVIDIA's networks module, at 32 px) is imported, `leporello export-dataset --train-command
--network` writes the archive, the pickle and train.sh; train.py --dry-run reads that command and
archive, the networks train.py would build from its options get the exported weights as train.py's
resume does (misc.copy_params_and_buffers), and every parameter must arrive, with the same images.
(A real training step needs CUDA; NVIDIA's training loop runs on nothing else.)

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


def cluster_check(tmp):
    import copy
    import pickle
    import re
    import shlex
    import torch
    import dnnlib
    import legacy
    from torch_utils import misc
    from training import networks

    # A random network of the shape train.py's automatic configuration builds at 32 px on one GPU.
    common = dict(c_dim=0, img_resolution=32, img_channels=3)
    G = networks.Generator(z_dim=512, w_dim=512, mapping_kwargs=dict(num_layers=2),
                           synthesis_kwargs=dict(channel_base=16384, channel_max=512, num_fp16_res=4, conv_clamp=256), **common).eval()
    D = networks.Discriminator(channel_base=16384, channel_max=512, num_fp16_res=4, conv_clamp=256,
                               epilogue_kwargs=dict(mbstd_group_size=4), **common).eval()
    torch.manual_seed(0)
    with torch.no_grad():
        for net in (G, D):
            for name, p in net.named_parameters():
                p.add_(torch.randn_like(p) * 0.05)
        G.mapping.w_avg.copy_(torch.randn_like(G.mapping.w_avg) * 0.1)
    source = os.path.join(tmp, 'auto-32.pkl')
    with open(source, 'wb') as f:
        pickle.dump(dict(G=G, D=D, G_ema=copy.deepcopy(G), augment_pipe=None, training_set_kwargs=None), f)

    project = os.path.join(tmp, 'cluster-project')
    leporello('project', 'create', project)
    leporello('import', project, os.path.join(ROOT, '..', 'shared', 'data', 'portraits-small'), '--collection', 'portraits')
    leporello('import-network', project, source)
    folder = os.path.join(tmp, 'to-copy')
    leporello('export-dataset', project, '--collection', 'portraits', '--resolution', '32', '--out', os.path.join(folder, 'portraits-32.zip'),
              '--train-command', '--kimg', '100', '--gpus', '1', '--network', 'auto-32', '--mirror')
    script = open(os.path.join(folder, 'train.sh')).read()
    command = next(line for line in script.splitlines() if line.startswith('python train.py'))
    argv = shlex.split(command)[2:]
    argv = [a if not a.startswith('--outdir=') else f'--outdir={os.path.join(tmp, "runs")}' for a in argv]
    done = subprocess.run([sys.executable, os.path.join(os.path.abspath(NVIDIA), 'train.py'), *argv, '--dry-run'],
                          cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f'train.py --dry-run refused the command:\n{done.stdout}\n{done.stderr}')
    options = json.loads(re.search(r'Training options:\n(\{.*?\n\})\n', done.stdout, re.S).group(1))
    with open(os.path.join(folder, options['resume_pkl']), 'rb') as f:
        resumed = legacy.load_network_pkl(f)
    built = {}
    rows = []
    for name, kwargs in (('G', options['G_kwargs']), ('D', options['D_kwargs']), ('G_ema', options['G_kwargs'])):
        net = dnnlib.util.construct_class_by_name(**kwargs, **common).eval().requires_grad_(False)
        theirs = dict(misc.named_params_and_buffers(resumed[name]))
        ours = dict(misc.named_params_and_buffers(net))
        missing = [n for n in ours if n not in theirs and not n.endswith('resample_filter')]
        shapes = [n for n in ours if n in theirs and ours[n].shape != theirs[n].shape]
        misc.copy_params_and_buffers(resumed[name], net, require_all=False)
        built[name] = net
        rows.append((name, len(ours), len(missing), len(shapes)))
    z = torch.from_numpy(np.random.RandomState(0).randn(4, 512))
    c = torch.zeros([4, 0])
    original = G(z, c, truncation_psi=1, noise_mode='const', force_fp32=True)
    trained = built['G_ema'](z, c, truncation_psi=1, noise_mode='const', force_fp32=True)
    logits = (D(original, c, force_fp32=True), built['D'](original, c, force_fp32=True))
    print(f'\ntrain.py --dry-run accepted: {command}')
    print('| network train.py builds | tensors | missing from the export | of another shape |')
    print('|---|---|---|---|')
    for name, total, missing, shapes in rows:
        print(f'| {name} | {total} | {missing} | {shapes} |')
    err_g = float((original - trained).abs().max())
    err_d = float((logits[0] - logits[1]).abs().max())
    print(f'\nimages of the resumed G_ema vs the source network: max abs error {err_g:.2e}; D logits: {err_d:.2e}')
    ok = all(m == 0 and s == 0 for _, _, m, s in rows) and err_g <= 1e-3 and err_d <= 1e-3
    print(f'cluster resume: {"met" if ok else "NOT met"}')
    return ok


NVIDIA = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--nvidia', required=True, help='a checkout of NVlabs/stylegan2-ada-pytorch')
    ap.add_argument('--run', action='append', default=[], help='PROJECT:RUN[@AT] a fine-tuned run to export at a checkpoint')
    ap.add_argument('--cluster', action='store_true', help='check the train.py command and resume from an exported network')
    ap.add_argument('pickles', nargs='*')
    args = ap.parse_args()
    global NVIDIA
    NVIDIA = args.nvidia
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
        cluster_ok = cluster_check(tmp) if args.cluster else True
    if not rows:
        sys.exit(0 if cluster_ok else 1)
    print('| network | psi | noise | class | images (N, C, H, W) | max abs error vs NVIDIA | max abs value |')
    print('|---|---|---|---|---|---|---|')
    worst = 0.0
    for label, psi, noise, k, shape, err, scale in rows:
        worst = max(worst, err)
        print(f'| {label} | {psi} | {noise} | {k} | {tuple(shape)} | {err:.2e} | {scale:.2f} |')
    print(f'\nlargest difference: {worst:.2e} (target ≤ 1e-3): {"met" if worst <= 1e-3 else "NOT met"}')
    sys.exit(0 if worst <= 1e-3 and cluster_ok else 1)


if __name__ == '__main__':
    main()
