"""Writes a StyleGAN2 network pickle in the layout NVIDIA's stylegan2-ada-pytorch distributes
(persistent Generator/Discriminator objects whose parameters are torch tensors pickled through
torch.storage._load_from_bytes), with random weights, at any size: the input of the import
memory benchmark (bench/import-memory.ts), since NVIDIA's real FFHQ files cannot be downloaded here.

  python3 make_network_pickle.py SHAPES.json OUT.pkl
  python3 make_network_pickle.py --load FILE.pkl   (the reference: torch's own unpickling of it, time and peak memory)
SHAPES.json: {"kwargs": {"G": {...}, "D": {...}}, "shapes": {"G": {name: shape}, "D": {name: shape}}}
"""
import json
import pickle
import sys
import types
from collections import OrderedDict

import torch

persistence = types.ModuleType('torch_utils.persistence')
sys.modules['torch_utils'] = types.ModuleType('torch_utils')
sys.modules['torch_utils.persistence'] = persistence


def _reconstruct_persistent_obj(meta):  # never called here: only its name goes into the pickle
    raise NotImplementedError


_reconstruct_persistent_obj.__module__ = 'torch_utils.persistence'
persistence._reconstruct_persistent_obj = _reconstruct_persistent_obj


class Persistent:
    """Pickles as NVIDIA's persistent objects do: a call of _reconstruct_persistent_obj(meta)."""

    def __init__(self, meta):
        self.meta = meta

    def __reduce__(self):
        return (_reconstruct_persistent_obj, (self.meta,))


class Module:
    """A bare torch.nn.Module state: parameters, buffers, sub-modules."""

    def __init__(self):
        self._parameters = OrderedDict()
        self._buffers = OrderedDict()
        self._modules = OrderedDict()

    def state(self):
        # NVIDIA's layers are persistent classes too: each sub-module is another persistent object.
        modules = OrderedDict((k, Persistent(dict(type='class', version=6, module_src='', class_name='Layer', state=dict(v.state(), _init_args=(), _init_kwargs={}))))
                              for k, v in self._modules.items())
        return dict(training=False, _parameters=self._parameters, _buffers=self._buffers, _modules=modules)


def network(class_name, kwargs, shapes, generator):
    root = Module()
    for name, shape in shapes.items():
        *path, leaf = name.split('.')
        m = root
        for p in path:
            m = m._modules.setdefault(p, Module())
        t = torch.randn(shape, generator=generator) * 0.1
        if leaf.endswith('noise_const') or leaf.endswith('w_avg'):
            m._buffers[leaf] = t
        else:
            m._parameters[leaf] = torch.nn.Parameter(t)
    state = root.state()
    state['_init_args'] = ()
    state['_init_kwargs'] = kwargs
    return Persistent(dict(type='class', version=6, module_src='# networks (not included)\n', class_name=class_name, state=state))


def main(spec_file, out):
    spec = json.load(open(spec_file))
    g = torch.Generator().manual_seed(1)
    data = dict(training_set_kwargs=None, augment_pipe=None,
                G=network('Generator', spec['kwargs']['G'], spec['shapes']['G'], g),
                D=network('Discriminator', spec['kwargs']['D'], spec['shapes']['D'], g),
                G_ema=network('Generator', spec['kwargs']['G'], spec['shapes']['G'], g))
    with open(out, 'wb') as f:
        pickle.dump(data, f, protocol=4)
    print(json.dumps(dict(file=out)))


def load(file):
    """Unpickles the file as stylegan2-ada-pytorch would, with the persistent objects kept as their metadata."""
    import resource
    import time

    class Reader(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ('torch_utils.persistence', '_reconstruct_persistent_obj'):
                return lambda meta: meta
            return super().find_class(module, name)

    start = time.perf_counter()
    with open(file, 'rb') as f:
        data = Reader(f).load()
    seconds = time.perf_counter() - start
    assert 'G_ema' in data
    print(json.dumps(dict(seconds=seconds, maxRssMB=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))


if __name__ == '__main__':
    if sys.argv[1] == '--load':
        load(sys.argv[2])
    else:
        main(sys.argv[1], sys.argv[2])
