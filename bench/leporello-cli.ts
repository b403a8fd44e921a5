// The command line as the benchmarks drive it: `bin/leporello.mjs` with a private home and
// projects folder under a temporary directory, every answer read as JSON, and the 600 archival
// portraits imported into a fresh project with one dataset, as a curator would start.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
export const PORTRAITS = join(root, '..', 'shared', 'data', 'portraits600');

export interface Cli {
  base: string;
  /** Runs one command; its JSON answer and the wall time it took, start-up included. */
  run<T = Record<string, unknown>>(...args: string[]): { seconds: number; json: T };
  /** A project at `<base>/congress` holding the portraits and one dataset at `resolution`. */
  portraitProject(resolution: number): { project: string; dataset: { name: string; imageCount: number; path: string } };
  /** `leporello train` of a DCGAN with the flags given after the project and dataset. */
  trainDcgan(project: string, dataset: string, ...flags: string[]): { seconds: number; json: Record<string, unknown> };
  remove(): void;
}

export function leporelloCli(name: string): Cli {
  const base = mkdtempSync(join(tmpdir(), `leporello-bench-${name}-`));
  const env = { ...process.env, LEPORELLO_HOME: join(base, 'home'), LEPORELLO_PROJECTS: join(base, 'projects') };
  const run = <T>(...args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin', 'leporello.mjs'), ...args, '--json'], { encoding: 'utf8', env, maxBuffer: 256 * 2 ** 20 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`leporello ${args.join(' ')} failed: ${r.stderr.trim().split('\n').at(-1)}`);
    return { seconds, json: JSON.parse(r.stdout) as T };
  };
  return {
    base,
    run,
    portraitProject(resolution) {
      const project = join(base, 'congress');
      run('project', 'create', project, '--name', 'bench');
      run('import', project, PORTRAITS, '--collection', 'congress');
      const dataset = run<{ name: string; imageCount: number; path: string }>(
        'dataset',
        'create',
        project,
        '--collection',
        'congress',
        '--resolution',
        String(resolution),
      ).json;
      return { project, dataset };
    },
    trainDcgan: (project, dataset, ...flags) => run('train', project, '--dataset', dataset, '--arch', 'dcgan', '--batch-size', '64', ...flags),
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}
