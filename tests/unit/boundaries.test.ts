// Process boundaries, enforced: shared/ is pure (no Node, no Electron) so both sides can use it;
// the renderer reaches nothing but shared/ and its own files; only the Electron shell imports Electron.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers';

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|svelte)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

test('shared/ imports neither Node nor Electron', () => {
  for (const f of sources('shared')) {
    for (const spec of imports(f)) assert.ok(!/^(node:|electron|fs$|path$)/.test(spec), `${f} imports ${spec}`);
  }
});

test('the renderer imports only svelte, shared/ and its own files', () => {
  for (const f of sources('renderer')) {
    if (f.endsWith('vite.config.ts')) continue;
    for (const spec of imports(f)) {
      const ok = spec === 'svelte' || spec.startsWith('.');
      assert.ok(ok, `${f} imports ${spec}`);
      if (spec.startsWith('..')) {
        const target = relative(repoRoot, join(repoRoot, f, '..', spec));
        assert.ok(target.startsWith('renderer') || target.startsWith('shared'), `${f} reaches ${target}`);
      }
    }
  }
});

test('only the Electron shell imports electron at run time', () => {
  const allowed = new Set(['electron/main.ts', 'electron/preload.ts']);
  const runtimeElectron = /^\s*import\s+(?!type\b)[^;]*?from\s+['"]electron(\/[a-z]+)?['"]/m;
  for (const f of [...sources('electron'), ...sources('shared'), ...sources('renderer')]) {
    if (allowed.has(f)) continue;
    assert.ok(!runtimeElectron.test(readFileSync(join(repoRoot, f), 'utf8')), `${f} imports electron at run time`);
  }
});

/** Where a relative import of `file` lands, from the repository root. */
function target(file: string, spec: string): string {
  return relative(repoRoot, join(repoRoot, file, '..', spec));
}

test('the engine imports nothing from the services, the API, the servers or the command line', () => {
  for (const f of sources('electron/engine')) {
    for (const spec of imports(f)) {
      if (!spec.startsWith('.')) continue;
      const to = target(f, spec);
      assert.ok(!/^electron\/(services|api|server|shell|cli)\//.test(to) && !/^electron\/(main|preload)\.ts$/.test(to), `${f} imports ${spec}`);
    }
  }
});

const runtimeImports = (file: string) =>
  [
    ...readFileSync(join(repoRoot, file), 'utf8').matchAll(
      /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
    ),
  ].map((m) => (m[1] ?? m[2])!);

test('the host (services, API, servers, command line, shell) reaches the engine only through its protocol: types, and no code', () => {
  assert.deepEqual(runtimeImports('electron/engine/protocol.ts'), [], 'the protocol holds types and constants only');
  const host = ['electron/services', 'electron/api', 'electron/server', 'electron/shell', 'electron/cli'].flatMap(sources).concat(['electron/main.ts']);
  for (const f of host) {
    for (const spec of runtimeImports(f)) {
      const to = spec.startsWith('.') ? target(f, spec) : '';
      if (to.startsWith('electron/engine'))
        assert.equal(to, join('electron', 'engine', 'protocol'), `${f} imports ${spec} at run time: the engine's code runs in engine processes only`);
      assert.ok(!/^@tensorflow\/|^@vladmandic\/face-api|^webgpu$/.test(spec), `${f} imports ${spec}: TensorFlow.js loads in engine processes only`);
    }
  }
});

test('electron/formats/ sits below both: at run time it imports node: modules, sharp, shared/ and its own files', () => {
  // (A type may come from anywhere: it is erased before anything runs.)
  for (const f of sources('electron/formats')) {
    for (const spec of runtimeImports(f)) {
      const to = spec.startsWith('.') ? target(f, spec) : spec;
      const ok = spec.startsWith('node:') || spec === 'sharp' || to.startsWith('electron/formats') || to.startsWith('shared');
      assert.ok(ok, `${f} imports ${spec} at run time`);
    }
  }
});

/** Every package a built bundle can load, following its chunks (static and dynamic imports). */
function bundlePackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s*(?:[^'"()]*?\sfrom\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(join(file, '..', spec));
      else packages.add(spec);
    }
  };
  visit(join(repoRoot, 'out', entry));
  return packages;
}

test('TensorFlow.js is in no bundle the main process or the command line loads, only in the engine', () => {
  const heavy = (p: string) => /^@tensorflow\/|^@vladmandic\/face-api|^webgpu$/.test(p);
  for (const entry of ['main.mjs', 'cli.mjs']) {
    const loaded = [...bundlePackages(entry)].filter(heavy);
    assert.deepEqual(loaded, [], `out/${entry} can load ${loaded.join(', ')}`);
  }
  // The same reading finds it where it belongs: the check can see what it looks for.
  assert.ok(
    [...bundlePackages('engine.mjs')].some((p) => p.startsWith('@tensorflow/')),
    'out/engine.mjs loads TensorFlow.js',
  );
});
