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

test('the engine imports nothing from the services: what both read and write lives in electron/formats/', () => {
  for (const f of sources('electron/engine')) {
    for (const spec of imports(f)) {
      if (spec.startsWith('.')) assert.ok(!target(f, spec).startsWith('electron/services'), `${f} imports ${spec}`);
    }
  }
});

test('electron/formats/ runs on Node alone: at run time it imports only node: modules and its own files', () => {
  // (A type, such as the network configuration a network file holds, may come from the engine:
  // it is erased before anything runs.)
  const runtimeImport = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]/gm;
  for (const f of sources('electron/formats')) {
    for (const [, spec] of readFileSync(join(repoRoot, f), 'utf8').matchAll(runtimeImport)) {
      const ok = spec!.startsWith('node:') || (spec!.startsWith('.') && target(f, spec!).startsWith('electron/formats'));
      assert.ok(ok, `${f} imports ${spec} at run time`);
    }
  }
});
