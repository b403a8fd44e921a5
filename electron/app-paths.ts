import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Leporello's package.json — the same from the sources (tests run them with
 * tsx), from the bundles in out/, and inside a packaged app — so resources are found in one way.
 */
export const appRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'leporello') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find Leporello's package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
})();

export const appVersion: string = (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The built renderer (vite's output). */
export const rendererDir = join(appRoot, 'out', 'renderer');
