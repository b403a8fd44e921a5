// electron-builder's configuration, checked against the project as built: the packages it makes,
// that every bundle the app loads at run time is inside the package, and that every native module
// (.node) of a production dependency is unpacked from the asar archive, where it could not load.
// The package itself cannot be built here (electron-builder downloads Electron's binary).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, matchesGlob, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from '../helpers';

interface BuilderConfig {
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  extraMetadata: { main: string };
  linux: { target: string[] };
  mac: { target: string };
  win: { target: string };
}

const config = parse(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = createRequire(import.meta.url)('../../package.json') as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };

function packaged(path: string): boolean {
  const included = config.files.filter((f) => !f.startsWith('!')).some((f) => matchesGlob(path, f));
  const excluded = config.files.filter((f) => f.startsWith('!')).some((f) => matchesGlob(path, f.slice(1)));
  return included && !excluded;
}

function nativeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.node'))
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)));
}

test('packages: AppImage and deb on Linux, dmg on macOS, NSIS on Windows; native modules rebuilt for Electron', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.equal(config.mac.target, 'dmg');
  assert.equal(config.win.target, 'nsis');
  assert.equal(config.npmRebuild, true);
  assert.equal(config.asar, true);
});

test('every bundle the app loads at run time is in the package', () => {
  // What main.ts, the engine launcher and the protocol handler load, relative to appRoot.
  const loaded = ['out/main.mjs', 'out/preload.cjs', 'out/engine.mjs', 'out/renderer/index.html', 'package.json', 'resources/README.md'];
  assert.equal(config.extraMetadata.main, 'out/main.mjs');
  for (const file of loaded) {
    assert.ok(existsSync(join(repoRoot, file)), `${file} is not built`);
    assert.ok(packaged(file), `${file} would be left out of the package`);
  }
  assert.ok(!packaged('out/main.mjs.map'), 'source maps stay out');
});

test('every native module of a production dependency is unpacked from the asar archive', () => {
  const natives = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)].flatMap((name) =>
    nativeFiles(join(repoRoot, 'node_modules', name)),
  );
  // sharp's binaries live in @img/*, beside it.
  natives.push(...nativeFiles(join(repoRoot, 'node_modules', '@img')));
  assert.ok(natives.some((f) => f.includes('better_sqlite3.node')) && natives.some((f) => f.includes('dawn.node')), natives.join('\n'));
  const stuck = natives.filter((f) => !config.asarUnpack.some((g) => matchesGlob(f, g)));
  assert.deepEqual(stuck, []);
  // Packages that load more than their .node file from disk (dlls, libtensorflow, ffmpeg) unpack whole.
  for (const whole of ['@tensorflow/tfjs-node-gpu', 'ffmpeg-static', 'sharp', 'webgpu']) {
    assert.ok(
      config.asarUnpack.some((g) => matchesGlob(`node_modules/${whole}/lib/x`, g)),
      `${whole} is not unpacked whole`,
    );
  }
});
