import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeFsError, scanPaths } from '../../electron/services/import/scan';
import { tempDir } from '../helpers';

test('scanning walks folders recursively, in name order, once through symlink loops, skipping OS junk', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  for (const f of ['img10.jpg', 'img2.jpg', '.DS_Store', 'Thumbs.db']) writeFileSync(join(dir, 'a', f), 'x');
  writeFileSync(join(dir, 'a', 'b', 'deep.png'), 'x');
  symlinkSync(join(dir, 'a'), join(dir, 'a', 'b', 'loop'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'a', 'dangling.jpg'));
  const found = await scanPaths([join(dir, 'a'), join(dir, 'missing')]);
  assert.deepEqual(
    found.map((f) => [f.path.slice(dir.length + 1), f.problem ? 'problem' : 'ok', f.archive]),
    [
      ['a/b/deep.png', 'ok', 'a'],
      ['a/dangling.jpg', 'problem', 'a'],
      ['a/img2.jpg', 'ok', 'a'],
      ['a/img10.jpg', 'ok', 'a'],
      ['missing', 'problem', dir.split('/').pop()],
    ],
  );
});

test('file-system errors are told in words a curator can act on', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });
  assert.match(describeFsError(err('EACCES'), 'file'), /^file cannot be read \(permission denied\): give your user read access/);
  assert.match(describeFsError(err('ENOENT'), 'folder'), /^folder not found: check the spelling/);
  assert.match(describeFsError(err('EIO'), 'file'), /input\/output error/);
});
