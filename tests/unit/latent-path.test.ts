// Paths between latents: lerp is the straight line; slerp keeps to the great circle (the angle split
// evenly, the norm interpolated), and both pass through their ends; 'smooth' eases in and out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lerp, pathPositions, slerp } from '../../shared/latent/interpolate';

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
const angle = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.acos(Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b)));
const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).every((x, i) => Math.abs(x - b[i]!) < 1e-5);

test('slerp walks the great circle: ends exact, equal angles, the norm kept between equal-norm ends; lerp cuts the chord', () => {
  const a = [3, 0, 0];
  const b = [0, 3, 0];
  assert.ok(close(slerp(a, b, 0), a) && close(slerp(a, b, 1), b));
  const mid = slerp(a, b, 0.5);
  assert.ok(Math.abs(norm(mid) - 3) < 1e-5, `norm ${norm(mid)}`);
  assert.ok(Math.abs(angle(a, mid) - Math.PI / 4) < 1e-5);
  assert.ok(Math.abs(angle(a, slerp(a, b, 0.25)) - Math.PI / 8) < 1e-5);
  assert.ok(close(lerp(a, b, 0.5), [1.5, 1.5, 0]), 'the straight line passes closer to the origin');
  // Norms of different ends are interpolated; parallel ends fall back to the line.
  assert.ok(Math.abs(norm(slerp([1, 0], [0, 3], 0.5)) - 2) < 1e-5);
  assert.ok(close(slerp([1, 1], [2, 2], 0.5), [1.5, 1.5]));
});

test('path positions: both ends included, evenly spaced, or eased at both ends', () => {
  assert.deepEqual(pathPositions(5), [0, 0.25, 0.5, 0.75, 1]);
  const eased = pathPositions(5, 'smooth');
  assert.equal(eased[0], 0);
  assert.ok(Math.abs(eased[4]! - 1) < 1e-12 && Math.abs(eased[2]! - 0.5) < 1e-12);
  assert.ok(eased[1]! < 0.25 && eased[3]! > 0.75, 'slower near the ends');
  assert.throws(() => pathPositions(1), /at least two points/);
});
