// Import throughput and memory: the 600-portrait collection through the real import (hash, copy,
// thumbnail, perceptual hash, SQLite), against a reference measured in the same run on the same
// files — sharp alone decoding and thumbnailing them at the same concurrency, the floor of what
// any import must do. Prints a markdown table (bench/RESULTS.md holds the committed one).
//   npm run bench:import [-- folder]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImportProgress } from '../shared/contract';
import { EventBus } from '../electron/api/event-bus';
import { Studio } from '../electron/services/studio';

const folder = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'portraits600');
const CONCURRENCY = 4;
const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

class PeakRss {
  peak = process.memoryUsage.rss();
  private timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage.rss())), 20);
  stop() {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return this.peak;
  }
}

async function reference(files: string[]): Promise<{ seconds: number; peak: number }> {
  const rss = new PeakRss();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < files.length) {
        const data = readFileSync(files[next++]!);
        await sharp(data).rotate().resize(256, 256, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 82 }).toBuffer();
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, peak: rss.stop() };
}

async function leporelloImport(dir: string): Promise<{ seconds: number; peak: number; summary: ImportProgress; rssAt: number[] }> {
  const base = mkdtempSync(join(tmpdir(), 'leporello-bench-'));
  try {
    const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
    await studio.createProject('bench');
    const rssAt: number[] = [];
    studio.events.subscribe((m) => {
      if (m.event !== 'import.progress') return;
      const p = m.payload as ImportProgress;
      const quarter = Math.floor((4 * p.done) / Math.max(1, p.total));
      if (quarter >= 1 && rssAt[quarter - 1] === undefined) rssAt[quarter - 1] = process.memoryUsage.rss();
    });
    const rss = new PeakRss();
    const t0 = performance.now();
    const summary = await studio.startImport({ paths: [dir], collection: 'bench', concurrency: CONCURRENCY }).done;
    const seconds = (performance.now() - t0) / 1000;
    const peak = rss.stop();
    await studio.closeProject();
    return { seconds, peak, summary, rssAt };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const files = readdirSync(folder).map((f) => join(folder, f));
console.error(`warming up on ${files.length} files in ${folder}…`);
await reference(files.slice(0, 50));
const ref = await reference(files);
const run = await leporelloImport(folder);
if (run.summary.imported !== files.length) console.error(`note: ${run.summary.imported} of ${files.length} imported (${run.summary.rejected} rejected)`);

const rows = [
  ['Leporello import (hash, copy, thumbnail, pHash, SQLite)', run.summary.imported, run.seconds, run.peak],
  ['reference: sharp decode + WebP thumbnail only', files.length, ref.seconds, ref.peak],
] as const;
console.log(
  `\nImport of ${files.length} portraits — ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${CONCURRENCY} files at a time\n`,
);
console.log('| what | images | seconds | images/s | peak RSS (MB) |');
console.log('|---|---:|---:|---:|---:|');
for (const [what, n, s, peak] of rows) console.log(`| ${what} | ${n} | ${s.toFixed(2)} | ${(n / s).toFixed(0)} | ${mb(peak)} |`);
console.log(`\nimport / reference speed: ${(run.summary.imported / run.seconds / (files.length / ref.seconds)).toFixed(2)}×`);
console.log(`RSS at 25/50/75/100 % of the import (MB): ${run.rssAt.map(mb).join(' / ')} — flat means the import does not hold the images`);
console.log(`target: ≥ 40 images/s: ${run.summary.imported / run.seconds >= 40 ? 'met' : 'NOT met'}`);
