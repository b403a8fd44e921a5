/** `k` indices spread evenly over `n` items, first and last included: the portraits of a long collection for a book, a run's checkpoints for its verso, a video's frames. */
export function evenly(n: number, k: number): number[] {
  if (k > n) throw new Error(`cannot choose ${k} of ${n}`);
  if (k === 1) return [0];
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}
