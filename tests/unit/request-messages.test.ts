// A request the contract refuses is answered in a person's words, field by field: what the studio
// shows beside a setting, and what the command line prints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiRouter, parseRequest } from '../../electron/api/router';

const refusal = (method: Parameters<typeof parseRequest>[0], request: unknown) => {
  try {
    parseRequest(method, request);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('accepted');
};

test('refused requests name the field as a person reads it and say what it must be', async () => {
  const run = { datasetId: 1, arch: 'dcgan' };
  assert.equal(refusal('runs.estimate', { ...run, learningRate: 0 }), 'learning rate: must be more than 0');
  assert.equal(refusal('runs.estimate', { ...run, batchSize: 2.5 }), 'batch size: must be a whole number');
  assert.equal(refusal('runs.estimate', { ...run, batchSize: 5000 }), 'batch size: must be at most 1024');
  assert.equal(refusal('runs.estimate', { ...run, epochs: 3, kimg: 2 }), 'kimg: give either epochs or kimg, not both');
  assert.equal(refusal('runs.estimate', { ...run, colour: 'red' }), 'is not a setting here: colour');
  assert.equal(refusal('runs.estimate', { datasetId: 'one', arch: 'dcgan' }), 'dataset id: should be a number');
  assert.equal(refusal('projects.create', { name: '' }).startsWith('name: '), true);
  // The studio's transport answers the same, without the method's name in front.
  const router = new ApiRouter({} as never);
  const reply = await router.handle('runs.estimate', { ...run, witnesses: 0 });
  assert.deepEqual(reply, { ok: false, error: { code: 'invalid_request', message: 'witnesses: must be at least 1' } });
});
