// NVlabs/stylegan's TensorFlow pickles (karras2019stylegan-ffhq-1024x1024.pkl and the networks the
// source projects fine-tuned from it): a tuple (G, D, Gs) of dnnlib.tflib.network.Network states
// whose generators are G_style (components mapping and synthesis, AdaIN's StyleMod weights in every
// layer). Read as data: the variables keep NVIDIA's names and TensorFlow layouts, the settings come
// from the static kwargs and the shapes, and what the studio cannot draw exactly is refused by name.
import { AppError } from '../../../../shared/errors';
import { log2Of, styleGanShapes, type StyleGanConfig } from '../../../formats/stylegan-layout';
import type { ImportedNetwork, JsonValue } from './stylegan2-pickle';
import type { TfNetwork } from './stylegan2-tf-pickle';
import type { TensorData } from './torch-data';

/** A v1 generator carries AdaIN's StyleMod weights where StyleGAN2's layers carry mod_weight. */
export function isStyleGanV1(net: TfNetwork): boolean {
  return [...net.variables.keys()].some((n) => /(^|\/)StyleMod\/weight$/.test(n));
}

function refuse(file: string, what: string): never {
  throw new AppError('invalid_request', `${file}: ${what}`);
}

function scalarOf(t: TensorData | undefined): number | null {
  if (!t || t.shape.reduce((a, b) => a * b, 1) !== 1) return null;
  return t.data[0]!;
}

type Kwargs = { [k: string]: JsonValue };
const reader = (kw: Kwargs) => (name: string, fallback: JsonValue) => (kw[name] === undefined || kw[name] === null ? fallback : kw[name]!);

/** Settings NVIDIA's code offers that change what is drawn, and that Leporello does not draw. */
function refuseUnsupported(k: ReturnType<typeof reader>, file: string): void {
  if (k('use_styles', true) !== true) refuse(file, 'a StyleGAN (v1) generator without style inputs (use_styles=False), which Leporello does not draw');
  if (k('const_input_layer', true) !== true)
    refuse(
      file,
      'a StyleGAN (v1) generator that starts from a dense layer instead of the learned constant (const_input_layer=False), which Leporello does not draw',
    );
  if (k('use_wscale', true) !== true)
    refuse(file, 'a StyleGAN (v1) network without the equalised learning rate (use_wscale=False), which Leporello does not draw');
  for (const key of ['nonlinearity', 'mapping_nonlinearity'])
    if (k(key, 'lrelu') !== 'lrelu') refuse(file, `a StyleGAN (v1) network with ${key}='${String(k(key, ''))}', which Leporello does not draw (only 'lrelu')`);
  if (JSON.stringify(k('blur_filter', [1, 2, 1])) !== '[1,2,1]')
    refuse(file, `a StyleGAN (v1) network with blur_filter ${JSON.stringify(k('blur_filter', null))}, which Leporello does not draw (only [1, 2, 1])`);
  const fmapDecay = Number(k('fmap_decay', 1));
  if (fmapDecay !== 1) refuse(file, `a StyleGAN (v1) network with fmap_decay ${fmapDecay}, which Leporello does not draw (only 1.0)`);
}

function fused(v: JsonValue): boolean | 'auto' {
  if (v === true || v === false) return v;
  return 'auto';
}

/** The network's settings: from the shapes where they decide them, else its static kwargs and NVIDIA's defaults. */
function configOf(G: TfNetwork, D: TfNetwork, file: string): StyleGanConfig {
  const k = reader(G.staticKwargs);
  const kd = reader(D.staticKwargs);
  refuseUnsupported(k, file);
  refuseUnsupported(kd, file);
  for (const [net, name] of [
    [G, 'synthesis/lod'],
    [G, 'lod'],
    [D, 'lod'],
  ] as const) {
    const lod = scalarOf(net.variables.get(name));
    if (lod !== null && lod !== 0)
      refuse(
        file,
        `a StyleGAN (v1) network still growing (its level of detail is ${lod}, not 0): import a snapshot taken after progressive training reached full resolution`,
      );
  }
  const v = (name: string) => G.variables.get(name) ?? refuse(file, `its generator has no ${name}: not a StyleGAN (v1) network Leporello can read`);
  let top = 2;
  while (G.variables.has(`synthesis/${2 ** (top + 1)}x${2 ** (top + 1)}/Conv1/weight`)) top++;
  const resolution = 2 ** top;
  const kwargsResolution = Number(k('resolution', resolution));
  if (kwargsResolution !== resolution) refuse(file, `its settings say ${kwargsResolution} px but its layers reach ${resolution} px; the file is inconsistent`);
  let mappingLayers = 0;
  while (G.variables.has(`mapping/Dense${mappingLayers}/weight`)) mappingLayers++;
  const label = G.variables.get('mapping/LabelConcat/weight');
  const dense0 = v('mapping/Dense0/weight').shape;
  const zDim = label ? label.shape[1]! : dense0[0]!;
  const channels = v('synthesis/ToRGB_lod0/weight').shape[3]!;
  if (channels !== 1 && channels !== 3) refuse(file, `a generator of ${channels} colour channels; Leporello draws 1 (grey) or 3 (RGB)`);
  return {
    family: 'stylegan',
    resolution,
    channels: channels as 1 | 3,
    zDim,
    wDim: v('dlatent_avg').shape[0]!,
    cDim: label ? label.shape[0]! : 0,
    mappingLayers,
    mappingFmaps: mappingLayers > 1 ? dense0[1]! : Number(k('mapping_fmaps', 512)),
    mappingLrMultiplier: Number(k('mapping_lrmul', 0.01)),
    normalizeLatents: k('normalize_latents', true) === true,
    fmapBase: Number(k('fmap_base', 8192)),
    fmapMax: Number(k('fmap_max', 512)),
    fusedScale: fused(k('fused_scale', 'auto')),
    usePixelNorm: k('use_pixel_norm', false) === true,
    useInstanceNorm: k('use_instance_norm', true) === true,
    useNoise: k('use_noise', true) === true,
    truncationPsi: Number(k('truncation_psi', 0.7)),
    truncationCutoff: Number(k('truncation_cutoff', 8)),
    wAvgBeta: Number(k('dlatent_avg_beta', 0.995)),
    dFmapBase: Number(kd('fmap_base', 8192)),
    dFmapMax: Number(kd('fmap_max', 512)),
    dFusedScale: fused(kd('fused_scale', 'auto')),
    mbstdGroupSize: Number(kd('mbstd_group_size', 4)),
    mbstdChannels: Number(kd('mbstd_num_features', 1)),
  };
}

/** The variables the configuration calls for, each checked against the shape it implies; the rest (other levels' ToRGB, lod) left out. */
function pick(net: TfNetwork, config: StyleGanConfig, role: 'G' | 'D', file: string): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [name, shape] of styleGanShapes(config, role)) {
    const t = net.variables.get(name);
    if (!t) refuse(file, `its ${role === 'G' ? 'generator' : 'discriminator'} has no ${name}, which its settings call for`);
    if (t.shape.join('x') !== shape.join('x'))
      refuse(file, `${name} is [${t.shape.join(', ')}] but the network's settings make it [${shape.join(', ')}]; the file and its settings disagree`);
    out.set(name, t);
  }
  return out;
}

export interface StyleGanPickle {
  config: StyleGanConfig;
  G: ImportedNetwork;
  D: ImportedNetwork;
  G_ema: ImportedNetwork;
}

/** (G, D, Gs) of a StyleGAN (v1) pickle, checked. */
export function convertStyleGanPickle(nets: [TfNetwork, TfNetwork, TfNetwork], file: string): StyleGanPickle {
  const [G, D, Gs] = nets;
  const config = configOf(Gs, D, file);
  if (log2Of(config.resolution) < 2) refuse(file, 'a generator below 4 px');
  const imported = (net: TfNetwork, role: 'G' | 'D', className: string): ImportedNetwork => ({
    className,
    initKwargs: net.staticKwargs,
    tensors: pick(net, config, role, file),
  });
  return { config, G: imported(G, 'G', 'G_style'), D: imported(D, 'D', 'D_basic'), G_ema: imported(Gs, 'G', 'G_style') };
}
