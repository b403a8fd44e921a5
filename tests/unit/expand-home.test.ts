// Paths typed into the studio's fields go through no shell: "~" is expanded here.
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandHome } from '../../electron/services/fs/expand-home';

test('~ and ~/… mean the home folder; other paths are only trimmed', () => {
  assert.equal(expandHome('~'), homedir());
  assert.equal(expandHome(' ~/Downloads/ffhq.pkl '), join(homedir(), 'Downloads', 'ffhq.pkl'));
  assert.equal(expandHome('/data/~x/net.pkl'), '/data/~x/net.pkl');
  assert.equal(expandHome('~other/x'), '~other/x');
});
