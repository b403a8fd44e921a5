// The FFHQ alignment square and its resampling, on synthetic faces whose answers are known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignQuad, cropPoint, quadPoint, renderAligned, type FaceLandmarks, type Point } from '../../electron/formats/faces/align';

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol;
const upright: FaceLandmarks = { leftEye: [40, 50], rightEye: [60, 50], mouthLeft: [42, 70], mouthRight: [58, 70] };

test('the square follows the recipe: side max(4·|eye-to-eye|, 3.6·|eye-to-mouth|), centre a tenth of the way to the mouth', () => {
  // eye-to-eye (20, 0), eye-to-mouth (0, 20): the axis is (40, 0) scaled to max(40, 36) = 40.
  const q = alignQuad(upright);
  assert.equal(q.side, 80);
  assert.deepEqual(q.topLeft, [10, 12]);
  assert.deepEqual(q.topRight, [90, 12]);
  assert.deepEqual(q.bottomLeft, [10, 92]);
  // A long face: the mouth term wins (3.6 · 30 = 108 > 80).
  assert.ok(close(alignQuad({ ...upright, mouthLeft: [42, 80], mouthRight: [58, 80] }).side, 108));
});

test('a tilted face gives the same square, tilted: the crop comes out upright', () => {
  const angle = (25 * Math.PI) / 180;
  const turn = ([x, y]: Point): Point => [
    50 + (x - 50) * Math.cos(angle) - (y - 50) * Math.sin(angle),
    50 + (x - 50) * Math.sin(angle) + (y - 50) * Math.cos(angle),
  ];
  const q = alignQuad({
    leftEye: turn(upright.leftEye),
    rightEye: turn(upright.rightEye),
    mouthLeft: turn(upright.mouthLeft),
    mouthRight: turn(upright.mouthRight),
  });
  assert.ok(close(q.side, 80, 1e-9));
  const axis = [q.topRight[0] - q.topLeft[0], q.topRight[1] - q.topLeft[1]];
  assert.ok(close(Math.atan2(axis[1]!, axis[0]!), angle, 1e-12));
  // Both eyes land where the upright face's do.
  const size = 256;
  for (const eye of ['leftEye', 'rightEye'] as const) {
    const a = cropPoint(alignQuad(upright), size, upright[eye]);
    const b = cropPoint(q, size, turn(upright[eye]));
    assert.ok(close(a[0], b[0], 1e-9) && close(a[1], b[1], 1e-9), `${eye}: ${a} vs ${b}`);
  }
  // cropPoint inverts quadPoint.
  const p = quadPoint(q, size, 37.5, 201.25);
  const back = cropPoint(q, size, p);
  assert.ok(close(back[0], 37.5, 1e-9) && close(back[1], 201.25, 1e-9));
});

function gradient(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([100 + x, 100 + y, 150], (y * width + x) * 3);
  return data;
}

test('inside the picture, an axis-aligned square at 1:1 is the picture itself', () => {
  const source = { data: gradient(64, 64), width: 64, height: 64 };
  const q = { topLeft: [8, 4] as Point, topRight: [40, 4] as Point, bottomLeft: [8, 36] as Point, side: 32 };
  const out = renderAligned(source, source, q, 32, 3);
  for (let v = 0; v < 32; v += 7)
    for (let u = 0; u < 32; u += 5) assert.deepEqual([...out.subarray((v * 32 + u) * 3, (v * 32 + u) * 3 + 3)], [108 + u, 104 + v, 150]);
});

test('outside the picture the crop reflects and fades into the blurred copy: no black corners', () => {
  const source = { data: gradient(40, 40), width: 40, height: 40 };
  const flat = { data: new Uint8Array(40 * 40 * 3).fill(200), width: 40, height: 40 };
  // A square twice the picture's size around it, tilted by 30°.
  const c = 20;
  const a = Math.PI / 6;
  const x: Point = [40 * Math.cos(a), 40 * Math.sin(a)];
  const y: Point = [-x[1], x[0]];
  const q = {
    topLeft: [c - x[0] - y[0], c - x[1] - y[1]] as Point,
    topRight: [c + x[0] - y[0], c + x[1] - y[1]] as Point,
    bottomLeft: [c - x[0] + y[0], c - x[1] + y[1]] as Point,
    side: 80,
  };
  const out = renderAligned(source, flat, q, 80, 8);
  let minimum = 255;
  for (let i = 0; i < out.length; i += 3) minimum = Math.min(minimum, out[i]!, out[i + 1]!);
  assert.ok(minimum >= 100, `darkest value ${minimum}: reflection keeps the picture's own range`);
  // Far outside (a corner) it is the blurred copy; at the centre it is the picture.
  assert.deepEqual([...out.subarray(0, 3)], [200, 200, 200]);
  const centre = (40 * 80 + 40) * 3;
  assert.ok(Math.abs(out[centre]! - 120) <= 1 && Math.abs(out[centre + 1]! - 120) <= 1, `centre ${out.subarray(centre, centre + 3)}`);
});
