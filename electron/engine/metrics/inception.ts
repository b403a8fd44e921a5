// FID's Inception network on the engine's TensorFlow.js: the 2048 pooled features of a picture, as
// true FID and KID compare them. Built stage by stage from the layout the importer checked the
// weights against (formats/inception-layout.ts); each batch norm is folded into its convolution
// once, at load, since only inference is ever asked of it.
import {
  INCEPTION_BN_EPSILON,
  INCEPTION_FEATURES,
  INCEPTION_RESOLUTION,
  INCEPTION_STAGES,
  inceptionConvs,
  type InceptionBranch,
  type InceptionConv,
} from '../../formats/inception-layout';
import { readInceptionWeights } from '../../formats/inception-weights';
import * as tf from '../tf';

interface FoldedConv {
  spec: InceptionConv;
  /** HWIO, the batch norm's scale folded in. */
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
}

export interface InceptionNet {
  /** Features [N, 2048] of NHWC uint8 pictures of side r with c channels (1 or 3). */
  features(images: Uint8Array[], r: number, c: number): Promise<Float32Array[]>;
  dispose(): void;
}

function fold(spec: InceptionConv, tensors: Map<string, Float32Array>): FoldedConv {
  const get = (n: string) => tensors.get(`${spec.name}.${n}`)!;
  const [w, gamma, beta, mean, variance] = [get('conv.weight'), get('bn.weight'), get('bn.bias'), get('bn.running_mean'), get('bn.running_var')];
  const [kh, kw] = spec.kernel;
  const hwio = new Float32Array(w.length);
  const bias = new Float32Array(spec.out);
  for (let o = 0; o < spec.out; o++) {
    const scale = gamma[o]! / Math.sqrt(variance[o]! + INCEPTION_BN_EPSILON);
    bias[o] = beta[o]! - mean[o]! * scale;
    for (let i = 0; i < spec.in; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) hwio[((y * kw + x) * spec.in + i) * spec.out + o] = w[((o * spec.in + i) * kh + y) * kw + x]! * scale;
  }
  return { spec, filter: tf.tensor4d(hwio, [kh, kw, spec.in, spec.out]), bias: tf.tensor1d(bias) };
}

function apply(c: FoldedConv, x: tf.Tensor4D): tf.Tensor4D {
  const [ph, pw] = c.spec.padding;
  return tf.fused.conv2d({
    x,
    filter: c.filter,
    strides: c.spec.stride,
    pad:
      ph === 0 && pw === 0
        ? 'valid'
        : [
            [0, 0],
            [ph, ph],
            [pw, pw],
            [0, 0],
          ],
    bias: c.bias,
    activation: 'relu',
  });
}

function pool(kind: NonNullable<InceptionBranch['pool']>, x: tf.Tensor4D): tf.Tensor4D {
  // TensorFlow's 'same' average pool divides by the pixels inside the picture only, as FID's graph does.
  if (kind === 'avg') return tf.avgPool(x, 3, 1, 'same');
  if (kind === 'max') return tf.maxPool(x, 3, 1, 'same');
  return tf.maxPool(x, 3, 2, 'valid');
}

/** Loads the imported weights (see services/quality/inception-import.ts); the backend must be selected first. */
export async function loadInception(dir: string): Promise<InceptionNet> {
  const { tensors } = await readInceptionWeights(dir);
  // Folded here, outside any tidy, so that they outlive each batch's.
  const convs = new Map(inceptionConvs().map((spec) => [spec.name, fold(spec, tensors)]));
  const folded = (spec: InceptionConv) => convs.get(spec.name)!;
  const forward = (x: tf.Tensor4D): tf.Tensor2D => {
    for (const stage of INCEPTION_STAGES) {
      if (stage.kind === 'conv') x = apply(folded(stage.conv), x);
      else if (stage.kind === 'max-pool') x = tf.maxPool(x, 3, 2, 'valid');
      else {
        const input = x;
        const outputs = stage.branches.flatMap((b) => {
          let y = b.pool ? pool(b.pool, input) : input;
          for (const c of b.convs) y = apply(folded(c), y);
          return b.split ? b.split.map((c) => apply(folded(c), y)) : [y];
        });
        x = tf.concat(outputs, 3);
      }
    }
    return tf.mean(x, [1, 2]) as tf.Tensor2D;
  };
  const BATCH = 4;
  return {
    async features(images, r, c) {
      const out: Float32Array[] = [];
      for (let i = 0; i < images.length; i += BATCH) {
        const part = images.slice(i, i + BATCH);
        const flat = new Uint8Array(part.length * r * r * c);
        part.forEach((img, k) => flat.set(img, k * r * r * c));
        const f = tf.tidy(() => {
          let x = tf.cast(tf.tensor4d(flat, [part.length, r, r, c], 'int32'), 'float32') as tf.Tensor4D;
          if (c === 1) x = tf.tile(x, [1, 1, 1, 3]);
          // To 299 px with half-pixel centres (PyTorch's bilinear, align_corners=False), then to [−1, 1].
          x = tf.image.resizeBilinear(x, [INCEPTION_RESOLUTION, INCEPTION_RESOLUTION], false, true);
          return forward(tf.sub(tf.div(x, 127.5), 1) as tf.Tensor4D);
        });
        const data = (await f.data()) as Float32Array;
        f.dispose();
        for (let k = 0; k < part.length; k++) out.push(data.slice(k * INCEPTION_FEATURES, (k + 1) * INCEPTION_FEATURES));
      }
      return out;
    },
    dispose() {
      for (const c of convs.values()) {
        c.filter.dispose();
        c.bias.dispose();
      }
      convs.clear();
    },
  };
}
