// Whether the owner of a half-written file or a temporary space still runs: a live process is, a
// process that has exited is not, even while it waits unreaped as a zombie (a killed engine whose
// parent died with it, under an init that collects late).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PROCESS_OWNER, ownerAlive } from '../../electron/formats/process-owner';

test('an owner is alive while its process runs, and dead once it has exited, zombie or reaped', async () => {
  assert.equal(ownerAlive(PROCESS_OWNER), true, 'this process');
  assert.equal(ownerAlive(`${process.pid}-00000000`), false, "this pid under another process's name: a reused pid");
  // `sleep 0` exits at once; its parent then becomes `sleep 30` (exec), which never reaps it: a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const zombie = Number(line.toString().trim());
    // Wait (without sleeping) until the kernel says it has exited.
    const state = () => {
      const stat = readFileSync(`/proc/${zombie}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    while (state() !== 'Z') await new Promise((resolve) => setImmediate(resolve));
    assert.doesNotThrow(() => process.kill(zombie, 0), 'signals still reach a zombie');
    assert.equal(ownerAlive(`${zombie}-1234abcd`), false, 'an exited process that waits to be reaped is not running');
    assert.equal(ownerAlive(`${parent.pid}-1234abcd`), true, 'its sleeping parent is');
  } finally {
    parent.kill('SIGKILL');
    await once(parent, 'close');
  }
  assert.equal(ownerAlive(`${parent.pid}-1234abcd`), false, 'a reaped process is gone');
  assert.equal(ownerAlive('not-an-owner'), false);
});
