// Paths between latents. In W a straight line (lerp) is what StyleGAN's perceptual smoothness is
// measured along; in Z, whose samples lie near a hypersphere, the great circle (slerp) keeps every
// point as typical as the ends, where a straight line would pass through unlikely, small vectors.
export type Easing = 'linear' | 'smooth';

export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  return Float32Array.from({ length: a.length }, (_, i) => a[i]! + (b[i]! - a[i]!) * t);
}

/** Spherical interpolation: the angle between a and b divided evenly, the norm interpolated linearly. */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  let na = 0;
  let nb = 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) {
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
    dot += a[i]! * b[i]!;
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  const cos = Math.min(1, Math.max(-1, dot / (na * nb || 1)));
  const omega = Math.acos(cos);
  // Nearly parallel: the circle is a line there.
  if (omega < 1e-6) return lerp(a, b, t);
  const sa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const sb = Math.sin(t * omega) / Math.sin(omega);
  // Unit directions rotated, then scaled by the interpolated norm.
  const norm = na + (nb - na) * t;
  return Float32Array.from({ length: a.length }, (_, i) => norm * (sa * (a[i]! / na) + sb * (b[i]! / nb)));
}

/** `count` positions from 0 to 1 inclusive; 'smooth' slows down at both ends (a cosine ease). */
export function pathPositions(count: number, easing: Easing = 'linear'): number[] {
  if (count < 2) throw new Error('a path needs at least two points');
  return Array.from({ length: count }, (_, i) => {
    const t = i / (count - 1);
    return easing === 'smooth' ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  });
}
