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
