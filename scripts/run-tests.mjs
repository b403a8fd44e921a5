// Runs every test file under tests/ with Node's test runner (TypeScript through tsx).
// `npm test -- e2e` (any words) runs only the files whose path contains one of them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

const files = find(join(root, 'tests'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// Unit and integration files two at a time; the end-to-end files one at a time after them, since
// some time what a person would see (a timeline's first paint) and others keep both cores busy
// rendering videos through the CLI.
const endToEnd = files.filter((f) => f.startsWith(join('tests', 'e2e')));
const phases = [
  { files: files.filter((f) => !endToEnd.includes(f)), concurrency: 2 },
  { files: endToEnd, concurrency: 1 },
].filter((p) => p.files.length);
let failed = false;
for (const phase of phases) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${phase.concurrency}`, ...phase.files], {
    cwd: root,
    stdio: 'inherit',
  });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
