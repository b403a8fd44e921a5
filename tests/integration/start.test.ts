import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tempDir } from '../helpers';

// On this machine Electron's binary cannot be installed, so this is the real path `npm start` takes.
test('npm start without Electron says why and serves the studio on 127.0.0.1 with a token', async (t) => {
  const base = tempDir(t);
  const env: NodeJS.ProcessEnv = { ...process.env, LEPORELLO_HOME: join(base, 'home'), LEPORELLO_PROJECTS: join(base, 'projects') };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], { env });
  t.after(() => child.kill('SIGTERM'));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.on('exit', (code) => reject(new Error(`start exited with ${code}: ${out}`)));
  });
  assert.match(out, /Leporello cannot open its desktop window: (the optional "electron" package is not installed|there is no display)/);
  assert.match(out, /Starting the headless studio instead/);
  const entry = await fetch(url, { redirect: 'manual' });
  assert.equal(entry.status, 303);
  const cookie = entry.headers.get('set-cookie')!.split(';')[0]!;
  const page = await fetch(url.replace(/\?token=.*/, ''), { headers: { Cookie: cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
  assert.equal((await fetch(url.replace(/\?token=.*/, ''))).status, 401);
});
