// Axis permutations (and flips) of a row-major array: the layout changes between NVIDIA's
// TensorFlow networks (HWIO kernels, [in, out] dense weights) and the PyTorch layout.

/** `data` of `shape` with its axes in the order `perm`; `flipAxes` (axes of the result) run backwards. */
export function transposed(shape: number[], data: ArrayLike<number>, perm: number[], flipAxes: number[] = []): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let n = 0; n < out.length; n++) {
    let src = 0;
    for (let d = 0; d < outShape.length; d++) {
      const i = flipAxes.includes(d) ? outShape[d]! - 1 - index[d]! : index[d]!;
      src += i * strides[perm[d]!]!;
    }
    out[n] = data[src]!;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
