// numpy.random.RandomState(seed).randn reproduced bit for bit: the reference values were printed by
// NumPy 2.4 (python3 -c "import numpy as np; print(np.random.RandomState(s).randn(1, 6))").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NumpyRandomState } from '../../electron/engine/nn/numpy-random';

const NUMPY: Record<number, number[]> = {
  0: [1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675, -0.977277879876411],
  1: [1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785, -2.3015386968802827],
  42: [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597, -0.23413695694918055],
  4294967295: [0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104, 0.8676218937929382],
};

test("RandomState(seed).randn gives NumPy's numbers exactly, for small, usual and the largest seeds", () => {
  for (const [seed, values] of Object.entries(NUMPY)) assert.deepEqual([...new NumpyRandomState(Number(seed)).randn(6)], values, `seed ${seed}`);
});

test('past the first twist of the state (624 words) and across rejected polar draws', () => {
  const draws = new NumpyRandomState(7).randn(700);
  assert.deepEqual([draws[0], draws[311], draws[312], draws[699]], [1.690525703800356, -1.1966227860707963, 1.3462892764595866, -0.49664691317351306]);
  assert.throws(() => new NumpyRandomState(-1), /from 0 to 2\^32/);
});
