// Precision and recall of a generator (Kynkäänniemi et al. 2019), as NVIDIA's metrics compute them:
// each feature's manifold is the union of balls reaching its k-th nearest neighbour (k = 3) within
// its own set. Precision is the share of generated features inside the real manifold (are the
// pictures believable?), recall the share of real ones inside the generated manifold (is the
// collection covered?). A collapsing generator loses recall first.
export const PR_SETTINGS = { neighbourhood: 3 } as const;

function distance2(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/** Each point's squared distance to its k-th nearest neighbour among the others. */
function radii(points: Float32Array[], k: number): Float64Array {
  return Float64Array.from(points, (p, i) => {
    const d = points.map((q, j) => (i === j ? Infinity : distance2(p, q))).sort((a, b) => a - b);
    return d[Math.min(k, d.length) - 1]!;
  });
}

/** The share of `probes` inside some reference point's ball. */
function coverage(probes: Float32Array[], refs: Float32Array[], r: Float64Array): number {
  let inside = 0;
  for (const p of probes) if (refs.some((q, i) => distance2(p, q) <= r[i]!)) inside++;
  return inside / probes.length;
}

export function precisionRecall(reals: Float32Array[], fakes: Float32Array[], k: number = PR_SETTINGS.neighbourhood): { precision: number; recall: number } {
  if (reals.length <= k || fakes.length <= k)
    throw new Error(`precision and recall need more than ${k} features on each side (they have ${reals.length} and ${fakes.length})`);
  return { precision: coverage(fakes, reals, radii(reals, k)), recall: coverage(reals, fakes, radii(fakes, k)) };
}
