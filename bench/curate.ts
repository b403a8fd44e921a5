// Curating the 600 archival portraits: faces found, landmarks, descriptors and aligned crops
// written, against face-api's detection alone on the same pictures in the same run. Prints
// images/s, the engine process's peak memory and the detection rate per collection, with the pass
// that found each face; --montage DIR writes every face found (its aligned crop), per collection,
// as one picture per pass, for a person to look at and say which are really faces.
//   node --import tsx bench/curate.ts [--size 256] [--backend wasm] [--reference 100] [--montage DIR]
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { EventBus } from '../electron/api/event-bus';
import { selectBackend } from '../electron/engine/backends';
import { decodeRgb } from '../electron/formats/faces/aligned-crop';
import { curateCollection } from '../electron/services/curation/curate-job';
import { detectFaces } from '../electron/engine/curation/face-detector';
import { Studio } from '../electron/services/studio';
import { forkNodeEngine, type EngineLauncher } from '../electron/services/engine-host/engine-launcher';
import { BackendPreference } from '../shared/contract';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    backend: { type: 'string', default: 'auto' },
    reference: { type: 'string', default: '100' },
    montage: { type: 'string' },
  },
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
/** The crops as one picture, `columns` across, `cell` px each. */
async function montage(files: string[], out: string, columns = 30, cell = 44): Promise<void> {
  const tiles = await Promise.all(
    files.map(async (f, i) => ({
      input: await sharp(f).resize(cell, cell).toBuffer(),
      left: (i % columns) * cell,
      top: Math.floor(i / columns) * cell,
    })),
  );
  const rows = Math.max(1, Math.ceil(files.length / columns));
  await sharp({ create: { width: columns * cell, height: rows * cell, channels: 3, background: '#222' } })
    .composite(tiles)
    .png()
    .toFile(out);
}

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
    // Which pass found each picture's first face: the usual look, or the second looks.
    const byPass = project.db
      .prepare('SELECT f.pass, f.aligned_path FROM faces f JOIN images i ON i.id = f.image_id WHERE i.collection_id = ? AND f.position = 0 ORDER BY f.image_id')
      .all(collectionId) as { pass: string; aligned_path: string }[];
    const passes = [...new Set(byPass.map((r) => r.pass))];
    rows.push(
      `| ${folder} (${what}) | ${imported} | ${summary.faces} | ${found} (${((found / summary.done) * 100).toFixed(1)} %) | ${passes.map((p) => `${p} ${byPass.filter((r) => r.pass === p).length}`).join(', ')} | ${seconds.toFixed(0)} | ${(summary.done / seconds).toFixed(2)} | ${mb(peak)} | ${rss.join(' / ')} |`,
    );
    if (values.montage) {
      mkdirSync(values.montage, { recursive: true });
      for (const pass of passes)
        await montage(
          byPass.filter((r) => r.pass === pass).map((r) => join(project.dir, r.aligned_path)),
          join(values.montage, `${folder}-${pass}.png`),
        );
    }
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
  console.log(
    '| collection | pictures | faces | pictures with a face | found by (first face) | seconds | pictures/s | engine peak RSS (MB) | engine RSS at 25/50/75/100 % (MB) |',
  );
  console.log('|---|---:|---:|---:|---|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
  console.log(
    `\nreference: face-api detection + landmarks + descriptors alone, first ${decoded.length} archival pictures already decoded: ${referenceRate.toFixed(2)} pictures/s`,
  );
} finally {
  await studio.closeProject();
  rmSync(base, { recursive: true, force: true });
}
