import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contract, methods } from '../../shared/contract';
import { ApiRouter, type Handlers } from '../../electron/api/router';
import { AppError } from '../../shared/errors';

// Handlers that answer nothing real: this file tests the boundary, not the services.
function routerWith(overrides: Partial<Handlers>): ApiRouter {
  const unexpected = () => {
    throw new Error('handler should not be reached');
  };
  const handlers = Object.fromEntries(methods.map((m) => [m, overrides[m] ?? unexpected])) as unknown as Handlers;
  return new ApiRouter(handlers);
}

test('an unknown method is answered with an error, not thrown', async () => {
  const reply = await routerWith({}).handle('images.delete_everything', {});
  assert.deepEqual(reply, { ok: false, error: { code: 'unknown_method', message: 'unknown API method "images.delete_everything"' } });
});

test('a malformed request never reaches its handler and names the field at fault', async () => {
  const router = routerWith({});
  const wrongType = await router.handle('images.get', { id: 'seven' });
  assert.equal(wrongType.ok, false);
  assert.ok(!wrongType.ok && wrongType.error.code === 'invalid_request');
  assert.equal(!wrongType.ok ? wrongType.error.message : '', 'id: should be a number');

  const extraField = await router.handle('projects.create', { name: 'x', path: '/etc' });
  assert.ok(!extraField.ok && /path/.test(extraField.error.message), 'unknown keys are refused, not ignored');

  const badLabel = await router.handle('labels.set', { imageIds: [1], key: '', value: 'death' });
  assert.ok(!badLabel.ok && /key: a label key cannot be empty/.test(badLabel.error.message));

  const notAnObject = await router.handle('labels.set', 'DROP TABLE images');
  assert.ok(!notAnObject.ok && notAnObject.error.code === 'invalid_request');
});

test('a valid request reaches its handler with defaults applied', async () => {
  let seen: unknown;
  const router = routerWith({
    'images.list': (q) => {
      seen = q;
      return { total: 0, items: [] };
    },
  });
  const reply = await router.handle('images.list', { status: 'rejected' });
  assert.deepEqual(reply, { ok: true, value: { total: 0, items: [] } });
  assert.deepEqual(seen, { status: 'rejected', offset: 0, limit: 100_000 });
});

test('handler errors become error replies that keep their code and message', async () => {
  const router = routerWith({
    'images.get': () => {
      throw new AppError('not_found', 'no image #9 in project "x"');
    },
    'collections.list': () => {
      throw new TypeError('boom');
    },
  });
  assert.deepEqual(await router.handle('images.get', { id: 9 }), { ok: false, error: { code: 'not_found', message: 'no image #9 in project "x"' } });
  assert.deepEqual(await router.handle('collections.list', {}), { ok: false, error: { code: 'internal', message: 'boom' } });
});

test('a reply that drifts from the contract is caught at the boundary', async () => {
  const router = routerWith({ 'collections.list': () => [{ id: 1, name: 'x' }] as never });
  const reply = await router.handle('collections.list', {});
  assert.equal(reply.ok, false);
});

test('the contract names every method once, with request and response schemas', () => {
  assert.ok(methods.length >= 14);
  for (const m of methods) {
    assert.ok(contract[m].request && contract[m].response, m);
    assert.match(m, /^[a-z]+\.[a-zA-Z]+$/);
  }
});
