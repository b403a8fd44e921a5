// Builds what runs: the main-process bundles (Electron main, preload, CLI/headless server) with
// esbuild, and the Svelte renderer with Vite. Type-checking is separate (npm run typecheck).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildNative } from './build-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const started = Date.now();

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
await Promise.all([
  // Dependencies stay in node_modules (native modules cannot be bundled); our code is one file each.
  // Split into chunks so that what is imported lazily (TensorFlow.js, only for engine work) is
  // loaded lazily, and every other command starts fast.
  esbuild({
    ...node,
    entryPoints: [{ in: 'electron/cli/index.ts', out: 'cli' }, 'electron/main.ts', { in: 'electron/engine/engine-main.ts', out: 'engine' }],
    outdir: 'out',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    splitting: true,
    packages: 'external',
  }),
  // A sandboxed preload may require nothing but 'electron': bundle everything else into it.
  esbuild({ ...node, entryPoints: ['electron/preload.ts'], outfile: 'out/preload.cjs', format: 'cjs', external: ['electron'] }),
  viteBuild({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' }),
]);
// After the bundles (which empty nothing in out/native): a compile of ~10 s, only when its sources changed.
const native = buildNative(root);
if (!quiet || !native.startsWith('native kernels up to date')) console.log(native);
if (!quiet) console.log(`built out/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
