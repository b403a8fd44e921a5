// Compiles Leporello's native CPU kernels (electron/engine/kernels/native/) with node-gyp into
// out/native/leporello_kernels.node. Optional: without a C++ compiler the build says so once and
// the engine computes on tfjs-wasm's own kernels. Skipped when the module is newer than its sources.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Builds the module under `root`; returns a sentence saying what happened. */
export function buildNative(root) {
  const source = join(root, 'electron', 'engine', 'kernels', 'native');
  const target = join(root, 'out', 'native', 'leporello_kernels.node');
  const inputs = [join(source, 'binding.gyp'), ...readdirSync(join(source, 'src')).map((f) => join(source, 'src', f))];
  const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
  if (existsSync(target) && statSync(target).mtimeMs >= newest) return 'native kernels up to date';

  let gyp;
  try {
    gyp = createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return "native kernels not built: node-gyp is not installed (npm install installs it); the engine uses tfjs-wasm's kernels";
  }
  // Node's own headers, so that nothing is downloaded (npm sets npm_config_nodedir where it has them).
  const guessed = dirname(dirname(process.execPath));
  const nodedir = process.env.npm_config_nodedir || (existsSync(join(guessed, 'include', 'node', 'node_api.h')) ? guessed : null);
  const args = [gyp, 'rebuild', '--release', '-j', 'max', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  const result = spawnSync(process.execPath, args, { cwd: source, encoding: 'utf8' });
  if (result.status !== 0) {
    const log = join(root, 'out', 'native-build.log');
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(log, `${result.stdout}\n${result.stderr}`);
    return `native kernels not built (node-gyp failed; is a C++ compiler installed? see ${log}); the engine uses tfjs-wasm's kernels`;
  }
  mkdirSync(dirname(target), { recursive: true });
  // Copied under a temporary name and renamed: a process loading the module never sees half of it.
  const partial = `${target}.${process.pid}.partial`;
  copyFileSync(join(source, 'build', 'Release', 'leporello_kernels.node'), partial);
  renameSync(partial, target);
  return 'native kernels built';
}
