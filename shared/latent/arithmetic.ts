// Arithmetic on latents: the mean of a group (a label's centroid), sums and differences ("smiling"
// minus "neutral" plus a face), scaling, and truncation toward the generator's average. Plain
// vectors: the same for Z and W, the caller keeps to one space and one generator.
export type Vector = ArrayLike<number>;

function sameLength(vectors: Vector[]): number {
  const n = vectors[0]?.length;
  if (n === undefined) throw new Error('no latents given');
  const other = vectors.find((v) => v.length !== n);
  if (other) throw new Error(`latents of different lengths (${n} and ${other.length}) cannot be combined: they come from different generators or spaces`);
  return n;
}

export function mean(vectors: Vector[]): Float32Array {
  const n = sameLength(vectors);
  const out = new Float64Array(n);
  for (const v of vectors) for (let i = 0; i < n; i++) out[i]! += v[i]!;
  return Float32Array.from(out, (x) => x / vectors.length);
}

/** Σ weightᵢ · vᵢ: add is weights (1, 1), subtract (1, −1). */
export function combine(vectors: Vector[], weights: number[]): Float32Array {
  const n = sameLength(vectors);
  if (weights.length !== vectors.length) throw new Error(`${vectors.length} latents but ${weights.length} weights`);
  const out = new Float64Array(n);
  vectors.forEach((v, k) => {
    for (let i = 0; i < n; i++) out[i]! += weights[k]! * v[i]!;
  });
  return Float32Array.from(out);
}

/** The truncation trick: average + ψ · (v − average). ψ 1 leaves v, 0 gives the average face. */
export function truncate(v: Vector, average: Vector, psi: number): Float32Array {
  sameLength([v, average]);
  return Float32Array.from({ length: v.length }, (_, i) => average[i]! + psi * (v[i]! - average[i]!));
}

export function euclidean(a: Vector, b: Vector): number {
  sameLength([a, b]);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}
