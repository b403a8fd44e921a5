// `npm start`: opens the Electron studio where it can run; otherwise says why and serves the
// same studio to a browser on 127.0.0.1 (the headless server), printing the address to open.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function electronBinary() {
  let binary;
  try {
    binary = require('electron');
  } catch (err) {
    const why = err?.code === 'MODULE_NOT_FOUND' ? 'the optional "electron" package is not installed (its binary download failed or was skipped)' : err.message;
    return { ok: false, why };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { ok: false, why: "Electron's binary is missing from node_modules/electron" };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, why: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { ok: true, binary };
}

/**
 * node_modules holds better-sqlite3 built for plain Node (CLI, tests, headless server). Electron
 * has its own ABI, so the studio window uses a second build kept in .cache/electron-abi.
 */
async function electronSqliteBinding() {
  const electronVersion = require('electron/package.json').version;
  const base = join(root, '.cache', 'electron-abi', electronVersion);
  const binding = join(base, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
  mkdirSync(join(base, 'node_modules'), { recursive: true });
  writeFileSync(join(base, 'package.json'), JSON.stringify({ name: 'electron-abi', version: '0.0.0', dependencies: { 'better-sqlite3': '*' } }));
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(base, 'node_modules', 'better-sqlite3'), { recursive: true });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: base, electronVersion, force: true, onlyModules: ['better-sqlite3'] });
  return binding;
}

const electron = electronBinary();
if (electron.ok) {
  const env = { ...process.env, LEPORELLO_SQLITE_BINDING: await electronSqliteBinding() };
  const child = spawn(electron.binary, [root], { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Leporello cannot open its desktop window: ${electron.why}.`);
  console.log('Starting the headless studio instead — the same studio, in your browser.\n');
  process.argv = [process.argv[0], join(root, 'out', 'cli.mjs'), 'serve', ...process.argv.slice(2)];
  await import(join(root, 'out', 'cli.mjs'));
}
