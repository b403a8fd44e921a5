// Curating the 600 archival portraits: faces found, landmarks, descriptors and aligned crops
// written, against face-api's detection alone on the same pictures in the same run. Prints
// images/s, the engine process's peak memory and the detection rate per collection.
//   node --import tsx bench/curate.ts [--size 256] [--backend wasm] [--reference 100]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventBus } from '../electron/api/event-bus';
import { selectBackend } from '../electron/engine/backends';
import { decodeRgb } from '../electron/formats/faces/aligned-crop';
import { curateCollection } from '../electron/services/curation/curate-job';
import { detectFaces } from '../electron/engine/curation/face-detector';
import { Studio } from '../electron/services/studio';
import { forkNodeEngine, type EngineLauncher } from '../electron/services/engine-host/engine-launcher';
import { BackendPreference } from '../shared/contract';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '256' }, backend: { type: 'string', default: 'auto' }, reference: { type: 'string', default: '100' } },
});
const data = join(import.meta.dirname, '..', '..', 'shared', 'data');
const base = mkdtempSync(join(tmpdir(), 'leporello-bench-curate-'));
const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

// Curation computes in an engine process: its memory is what the table shows.
let enginePid: number | undefined;
const launch: EngineLauncher = () => {
  const engine = forkNodeEngine();
  enginePid = engine.pid;
  return engine;
};
const engineRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${enginePid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

try {
  const choice = await selectBackend(BackendPreference.parse(values.backend), 'sample');
  await studio.createProject('bench');
  const project = studio.requireProject();
  const collections: [string, string][] = [
    ['portraits600', 'archival congress portraits (photographs, engravings, full figures)'],
    ['expressions204', 'studio portraits, neutral and smiling'],
    ['portraits-modern200', 'modern official portraits'],
  ];
  const rows: string[] = [];
  for (const [folder, what] of collections) {
    const { collectionId, imported } = await studio.startImport({ paths: [join(data, folder)], collection: folder }).done;
    const rss: number[] = [];
    let peak = 0;
    const started = performance.now();
    const summary = await curateCollection(project, launch, {
      collectionId,
      masterSize: Number(values.size),
      backend: choice.name,
      onProgress: (p) => {
        peak = Math.max(peak, engineRss());
        if ([0.25, 0.5, 0.75, 1].some((q) => p.done === Math.ceil(p.total * q))) rss.push(mb(engineRss()));
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const found = summary.done - summary.noFace - summary.failed;
    rows.push(
      `| ${folder} (${what}) | ${imported} | ${summary.faces} | ${found} (${((found / summary.done) * 100).toFixed(1)} %) | ${seconds.toFixed(0)} | ${(summary.done / seconds).toFixed(2)} | ${mb(peak)} | ${rss.join(' / ')} |`,
    );
  }
  // Reference: face-api's detection, landmarks and descriptors alone, on the first pictures of the archival set.
  const files = (
    project.db.prepare("SELECT original_path FROM images WHERE status = 'ok' ORDER BY id LIMIT ?").all(Number(values.reference)) as { original_path: string }[]
  ).map((r) => join(project.dir, r.original_path));
  const decoded = await Promise.all(files.map(decodeRgb));
  const t0 = performance.now();
  for (const img of decoded) await detectFaces(img.data, img.width, img.height);
  const referenceRate = decoded.length / ((performance.now() - t0) / 1000);

  console.log(`\nCuration at ${values.size} px on ${choice.name} (${choice.detail}); Node ${process.version}\n`);
  console.log('| collection | pictures | faces | pictures with a face | seconds | pictures/s | engine peak RSS (MB) | engine RSS at 25/50/75/100 % (MB) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
  console.log(
    `\nreference: face-api detection + landmarks + descriptors alone, first ${decoded.length} archival pictures already decoded: ${referenceRate.toFixed(2)} pictures/s`,
  );
} finally {
  await studio.closeProject();
  rmSync(base, { recursive: true, force: true });
}
