import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveServedFile } from '../../electron/services/projects/layout';
import { tempDir } from '../helpers';

test('project files are served only from inside the project folder', (t) => {
  const base = tempDir(t);
  const project = join(base, 'project');
  mkdirSync(join(project, 'thumbs', 'ab'), { recursive: true });
  writeFileSync(join(project, 'thumbs', 'ab', 'ab12.webp'), 'x');
  writeFileSync(join(project, 'leporello.sqlite'), 'db');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  symlinkSync(join(base, 'secret.txt'), join(project, 'thumbs', 'escape.webp'));

  assert.equal(resolveServedFile(project, 'thumbs/ab/ab12.webp'), join(project, 'thumbs', 'ab', 'ab12.webp'));
  const refused = [
    '../secret.txt',
    'thumbs/../../secret.txt',
    'thumbs/..\\..\\secret.txt',
    '/etc/passwd',
    'C:/Windows/win.ini',
    'leporello.sqlite',
    'thumbs/../leporello.sqlite',
    'tmp/x',
    'thumbs/escape.webp',
    'thumbs/ab/ab12.webp\0.png',
    'thumbs/ab/missing.webp',
  ];
  for (const p of refused) assert.throws(() => resolveServedFile(project, p), /refused|no such file/, p);
});
