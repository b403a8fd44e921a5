// The Inception-v3 network that FID is defined on (TensorFlow's 2015-12-05 graph), as its weights
// are named in PyTorch's port of it (pytorch-fid's pt_inception-2015-12-05 state dict, torchvision's
// module names): every convolution with its shape, stride and padding, and the blocks they make.
// FID's graph differs from torchvision's Inception in two places, kept here: the average pools
// inside blocks leave the padding out of their count, and the last block's pool is a max pool.
// The importer checks a file against this table; the engine builds the forward pass from it.

/** One BasicConv2d: a convolution without bias, batch norm (ε = 0.001), ReLU. */
export interface InceptionConv {
  name: string;
  in: number;
  out: number;
  kernel: [number, number];
  stride: number;
  padding: [number, number];
}

/** A branch: convolutions in a row; `split` ends it in two convolutions side by side (block E). */
export interface InceptionBranch {
  pool?: 'avg' | 'max' | 'max-stride-2';
  convs: InceptionConv[];
  split?: [InceptionConv, InceptionConv];
}

export type InceptionStage = { kind: 'conv'; conv: InceptionConv } | { kind: 'max-pool' } | { kind: 'block'; name: string; branches: InceptionBranch[] };

export const INCEPTION_RESOLUTION = 299;
export const INCEPTION_FEATURES = 2048;
export const INCEPTION_BN_EPSILON = 0.001;
/** The classifier on top (1008 classes in the 2015 graph): checked on import, unused by FID. */
export const INCEPTION_LOGITS = 1008;

const conv = (name: string, inC: number, out: number, k: number | [number, number] = 1, stride = 1, pad: number | [number, number] = 0): InceptionConv => ({
  name,
  in: inC,
  out,
  kernel: typeof k === 'number' ? [k, k] : k,
  stride,
  padding: typeof pad === 'number' ? [pad, pad] : pad,
});

function blockA(name: string, inC: number, poolFeatures: number): InceptionStage {
  const b = (n: string) => `${name}.${n}`;
  return {
    kind: 'block',
    name,
    branches: [
      { convs: [conv(b('branch1x1'), inC, 64)] },
      { convs: [conv(b('branch5x5_1'), inC, 48), conv(b('branch5x5_2'), 48, 64, 5, 1, 2)] },
      { convs: [conv(b('branch3x3dbl_1'), inC, 64), conv(b('branch3x3dbl_2'), 64, 96, 3, 1, 1), conv(b('branch3x3dbl_3'), 96, 96, 3, 1, 1)] },
      { pool: 'avg', convs: [conv(b('branch_pool'), inC, poolFeatures)] },
    ],
  };
}

function blockB(name: string, inC: number): InceptionStage {
  const b = (n: string) => `${name}.${n}`;
  return {
    kind: 'block',
    name,
    branches: [
      { convs: [conv(b('branch3x3'), inC, 384, 3, 2)] },
      { convs: [conv(b('branch3x3dbl_1'), inC, 64), conv(b('branch3x3dbl_2'), 64, 96, 3, 1, 1), conv(b('branch3x3dbl_3'), 96, 96, 3, 2)] },
      { pool: 'max-stride-2', convs: [] },
    ],
  };
}

function blockC(name: string, inC: number, c7: number): InceptionStage {
  const b = (n: string) => `${name}.${n}`;
  const row = (n: string, i: number, o: number) => conv(b(n), i, o, [1, 7], 1, [0, 3]);
  const column = (n: string, i: number, o: number) => conv(b(n), i, o, [7, 1], 1, [3, 0]);
  return {
    kind: 'block',
    name,
    branches: [
      { convs: [conv(b('branch1x1'), inC, 192)] },
      { convs: [conv(b('branch7x7_1'), inC, c7), row('branch7x7_2', c7, c7), column('branch7x7_3', c7, 192)] },
      {
        convs: [
          conv(b('branch7x7dbl_1'), inC, c7),
          column('branch7x7dbl_2', c7, c7),
          row('branch7x7dbl_3', c7, c7),
          column('branch7x7dbl_4', c7, c7),
          row('branch7x7dbl_5', c7, 192),
        ],
      },
      { pool: 'avg', convs: [conv(b('branch_pool'), inC, 192)] },
    ],
  };
}

function blockD(name: string, inC: number): InceptionStage {
  const b = (n: string) => `${name}.${n}`;
  return {
    kind: 'block',
    name,
    branches: [
      { convs: [conv(b('branch3x3_1'), inC, 192), conv(b('branch3x3_2'), 192, 320, 3, 2)] },
      {
        convs: [
          conv(b('branch7x7x3_1'), inC, 192),
          conv(b('branch7x7x3_2'), 192, 192, [1, 7], 1, [0, 3]),
          conv(b('branch7x7x3_3'), 192, 192, [7, 1], 1, [3, 0]),
          conv(b('branch7x7x3_4'), 192, 192, 3, 2),
        ],
      },
      { pool: 'max-stride-2', convs: [] },
    ],
  };
}

function blockE(name: string, inC: number, pool: 'avg' | 'max'): InceptionStage {
  const b = (n: string) => `${name}.${n}`;
  const pair = (stem: string): [InceptionConv, InceptionConv] => [
    conv(b(`${stem}a`), 384, 384, [1, 3], 1, [0, 1]),
    conv(b(`${stem}b`), 384, 384, [3, 1], 1, [1, 0]),
  ];
  return {
    kind: 'block',
    name,
    branches: [
      { convs: [conv(b('branch1x1'), inC, 320)] },
      { convs: [conv(b('branch3x3_1'), inC, 384)], split: pair('branch3x3_2') },
      { convs: [conv(b('branch3x3dbl_1'), inC, 448), conv(b('branch3x3dbl_2'), 448, 384, 3, 1, 1)], split: pair('branch3x3dbl_3') },
      { pool, convs: [conv(b('branch_pool'), inC, 192)] },
    ],
  };
}

/** The network from the 299 px picture to its 2048 pooled features, stage by stage. */
export const INCEPTION_STAGES: InceptionStage[] = [
  { kind: 'conv', conv: conv('Conv2d_1a_3x3', 3, 32, 3, 2) },
  { kind: 'conv', conv: conv('Conv2d_2a_3x3', 32, 32, 3) },
  { kind: 'conv', conv: conv('Conv2d_2b_3x3', 32, 64, 3, 1, 1) },
  { kind: 'max-pool' },
  { kind: 'conv', conv: conv('Conv2d_3b_1x1', 64, 80) },
  { kind: 'conv', conv: conv('Conv2d_4a_3x3', 80, 192, 3) },
  { kind: 'max-pool' },
  blockA('Mixed_5b', 192, 32),
  blockA('Mixed_5c', 256, 64),
  blockA('Mixed_5d', 288, 64),
  blockB('Mixed_6a', 288),
  blockC('Mixed_6b', 768, 128),
  blockC('Mixed_6c', 768, 160),
  blockC('Mixed_6d', 768, 160),
  blockC('Mixed_6e', 768, 192),
  blockD('Mixed_7a', 768),
  blockE('Mixed_7b', 1280, 'avg'),
  blockE('Mixed_7c', 2048, 'max'),
];

/** Every convolution of the network, in order. */
export function inceptionConvs(): InceptionConv[] {
  return INCEPTION_STAGES.flatMap((s) =>
    s.kind === 'conv' ? [s.conv] : s.kind === 'block' ? s.branches.flatMap((b) => [...b.convs, ...(b.split ?? [])]) : [],
  );
}

/** Every tensor a weights file must hold, by its PyTorch name, with its shape. */
export function inceptionTensorShapes(): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const c of inceptionConvs()) {
    shapes.set(`${c.name}.conv.weight`, [c.out, c.in, c.kernel[0], c.kernel[1]]);
    for (const p of ['weight', 'bias', 'running_mean', 'running_var']) shapes.set(`${c.name}.bn.${p}`, [c.out]);
  }
  shapes.set('fc.weight', [INCEPTION_LOGITS, INCEPTION_FEATURES]);
  shapes.set('fc.bias', [INCEPTION_LOGITS]);
  return shapes;
}
