// The best checkpoint by a quality metric, and what a run that keeps only every Nth checkpoint's
// networks draws from in its place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestCheckpoint, nearestWithWeights } from '../../shared/quality';

const checkpoints = [0, 1, 2, 3, 4, 5, 6].map((at) => ({
  checkpointId: at + 10,
  at,
  // SWD falls to its lowest at epoch 4, then rises again.
  values: { swd: [90, 60, 40, 30, 20, 25, 35][at]! },
  // Networks kept at 0, 3 and 6 (one in 3, and the latest).
  weightsKept: at % 3 === 0,
}));

test('the best checkpoint by a lower-is-better metric, the later on a tie', () => {
  assert.equal(bestCheckpoint(checkpoints, 'swd')!.at, 4);
  const tied = checkpoints.map((c) => (c.at === 5 ? { ...c, values: { swd: 20 } } : c));
  assert.equal(bestCheckpoint(tied, 'swd')!.at, 5);
  assert.equal(bestCheckpoint(checkpoints, 'kid-face'), null, 'not measured: no best');
});

test('a best checkpoint whose networks were let go is drawn from the nearest that kept them, the later on a tie', () => {
  const best = bestCheckpoint(checkpoints, 'swd')!;
  assert.equal(nearestWithWeights(checkpoints, best)!.at, 3, 'epoch 4: 3 is nearer than 6');
  assert.equal(nearestWithWeights(checkpoints, checkpoints[5]!)!.at, 6, 'epoch 5: 6 is nearer than 3');
  const between = [
    { at: 0, weightsKept: true },
    { at: 1, weightsKept: false },
    { at: 2, weightsKept: true },
  ];
  assert.equal(nearestWithWeights(between, between[1]!)!.at, 2, 'as near either way: the later, which trained longer');
  assert.equal(nearestWithWeights(checkpoints, checkpoints[3]!), checkpoints[3], 'a kept one is itself');
  assert.equal(nearestWithWeights([{ at: 1, weightsKept: false }], { at: 1, weightsKept: false }), null);
});
