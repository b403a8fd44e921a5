// Near-duplicates, measured: how many planted copies of archival portraits are found, and how many
// photographs that are not copies are wrongly joined.
//
// - Planted: 50 of the 600 archival portraits (every 12th), each copied three ways — a re-scan
//   (margins cropped by 3 %, turned 1.5°, shrunk to 80 %, brighter, JPEG 60), a crop (10 % off the
//   left, 6 % off the top, JPEG 85) and a recompression (JPEG 20 at 70 % of the size). They are
//   curated together with all 600 originals, so that every copy has 599 wrong partners to avoid.
//   A copy is found when it lands in its original's cluster, by a face or as a whole picture (a
//   copy in which no face was found, or another one, joins by the picture).
// - Not copies: expressions204, 102 people photographed neutral and smiling in one session under
//   one light, the hardest case of two photographs that are not one. A person is wrongly joined
//   when their two photographs land in one cluster. Clusters that join two of the 600 originals
//   are counted too (the archive may hold real duplicates: they are listed by file for a look).
//
//   node --import tsx bench/duplicates.ts [--backend wasm] [--keep DIR]
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { EventBus } from '../electron/api/event-bus';
import { selectBackend } from '../electron/engine/backends';
import { curateCollection } from '../electron/services/curation/curate-job';
import { DUPLICATE_SCORE, findDuplicates, pairScores } from '../electron/services/curation/duplicates';
import { forkNodeEngine } from '../electron/services/engine-host/engine-launcher';
import { Studio } from '../electron/services/studio';
import { BackendPreference } from '../shared/contract';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, keep: { type: 'string' } } });
const data = join(import.meta.dirname, '..', '..', 'shared', 'data');
const base = values.keep ?? mkdtempSync(join(tmpdir(), 'leporello-bench-duplicates-'));
const planted = join(base, 'planted');
mkdirSync(planted, { recursive: true });

type Variant = 'rescan' | 'crop' | 'recompress';
const VARIANTS: Record<Variant, (file: string, out: string) => Promise<unknown>> = {
  rescan: async (file, out) => {
    const { width = 0, height = 0 } = await sharp(file).metadata();
    const [dx, dy] = [Math.round(width * 0.03), Math.round(height * 0.03)];
    const cut = await sharp(file)
      .extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy })
      .rotate(1.5, { background: '#fff' })
      .toBuffer();
    return sharp(cut)
      .resize(Math.round((width - 2 * dx) * 0.8))
      .modulate({ brightness: 1.08 })
      .jpeg({ quality: 60 })
      .toFile(out);
  },
  crop: async (file, out) => {
    const { width = 0, height = 0 } = await sharp(file).metadata();
    const [left, top] = [Math.round(width * 0.1), Math.round(height * 0.06)];
    return sharp(file)
      .extract({ left, top, width: width - left, height: height - top })
      .jpeg({ quality: 85 })
      .toFile(out);
  },
  recompress: async (file, out) => {
    const { width = 0 } = await sharp(file).metadata();
    return sharp(file)
      .resize(Math.round(width * 0.7))
      .jpeg({ quality: 20 })
      .toFile(out);
  },
};

const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3) : '—');
  return `${at(0)} / ${at(0.5)} / ${at(0.95)} / ${s.length ? s[s.length - 1]!.toFixed(3) : '—'}`;
};

const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
try {
  const choice = await selectBackend(BackendPreference.parse(values.backend), 'sample');
  const archive = join(data, 'portraits600');
  const originals = readdirSync(archive)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const chosen = originals.filter((_, i) => i % 12 === 0).slice(0, 50);
  for (const f of chosen) for (const [variant, make] of Object.entries(VARIANTS)) await make(join(archive, f), join(planted, `${variant}-${f}`));

  if (values.keep && readdirSync(join(base, 'projects')).length > 0) await studio.openProject(join(base, 'projects', readdirSync(join(base, 'projects'))[0]!));
  else await studio.createProject('duplicates');
  const project = studio.requireProject();
  const collectionOf = async (name: string, paths: string[]) => {
    const existing = project.db.prepare('SELECT id FROM collections WHERE name = ?').get(name) as { id: number } | undefined;
    const collectionId = existing?.id ?? (await studio.startImport({ paths, collection: name }).done).collectionId;
    const started = performance.now();
    const summary = await curateCollection(project, forkNodeEngine, { collectionId, masterSize: 256, backend: choice.name });
    console.error(`${name}: ${summary.done} curated, ${summary.skipped} already, in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return collectionId;
  };
  const archiveId = await collectionOf('archive', [archive, planted]);
  const expressionsId = await collectionOf('expressions', [join(data, 'expressions204')]);

  // Which cluster each picture's faces fell in, by file name (the folder says which set).
  const seconds: Record<number, number> = {};
  const clusterOf = async (collectionId: number) => {
    const started = performance.now();
    const clusters = await findDuplicates(project, collectionId);
    seconds[collectionId] = (performance.now() - started) / 1000;
    const of = new Map<string, number>();
    clusters.forEach((c, n) => [...c.faces, ...c.pictures].forEach((f) => of.set(f.source, n)));
    return { clusters, of };
  };
  const facesOf = (collectionId: number) =>
    new Map(
      (
        project.db
          .prepare(
            "SELECT i.source_path, f.id FROM faces f JOIN images i ON i.id = f.image_id WHERE i.collection_id = ? AND f.status = 'kept' ORDER BY f.position DESC",
          )
          .all(collectionId) as { source_path: string; id: number }[]
      ).map((r) => [r.source_path, r.id]),
    );

  const archiveClusters = await clusterOf(archiveId);
  const archiveFaces = facesOf(archiveId);
  const rows: string[] = [];
  const missed: string[] = [];
  const copyScores: number[] = [];
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    let found = 0;
    let noFace = 0;
    const pairs: [number, number][] = [];
    for (const f of chosen) {
      const [orig, copy] = [join(archive, f), join(planted, `${variant}-${f}`)];
      const [a, b] = [archiveFaces.get(orig), archiveFaces.get(copy)];
      if (a === undefined || b === undefined) noFace++;
      else pairs.push([a, b]);
      const [ca, cb] = [archiveClusters.of.get(orig), archiveClusters.of.get(copy)];
      if (ca !== undefined && ca === cb) found++;
      else missed.push(`${variant}-${f}${a === undefined || b === undefined ? ` (no face in ${a === undefined ? 'the original' : 'the copy'})` : ''}`);
    }
    const scores = (await pairScores(project, pairs)).map((s) => s.score);
    copyScores.push(...scores);
    rows.push(`| ${variant} | ${chosen.length} | ${noFace} | ${found} (${((found / chosen.length) * 100).toFixed(0)} %) | ${quantiles(scores)} |`);
  }
  const joinedOriginals = archiveClusters.clusters.filter(
    (c) => new Set([...c.faces, ...c.pictures].map((f) => f.source).filter((s) => s.startsWith(archive))).size > 1,
  );

  const expressions = await clusterOf(expressionsId);
  const expressionFaces = facesOf(expressionsId);
  const people = readdirSync(join(data, 'expressions204', 'neutral'))
    .filter((f) => f.endsWith('.jpg'))
    .map((f) => f.slice(0, 3));
  let joined = 0;
  const sessionPairs: [number, number][] = [];
  for (const p of people) {
    const [n, s] = [join(data, 'expressions204', 'neutral', `${p}_03.jpg`), join(data, 'expressions204', 'smiling', `${p}_08.jpg`)];
    const [a, b] = [expressionFaces.get(n), expressionFaces.get(s)];
    if (a !== undefined && b !== undefined) sessionPairs.push([a, b]);
    const [ca, cb] = [expressions.of.get(n), expressions.of.get(s)];
    if (ca !== undefined && ca === cb) joined++;
  }
  const sessionScores = (await pairScores(project, sessionPairs)).map((s) => s.score);

  console.log(`\nNear-duplicates on ${choice.name}; faces in one cluster when their score is at most ${DUPLICATE_SCORE}, pictures by the whole-picture look\n`);
  console.log(
    "| planted copy | copies | no face found (in the copy or its original) | found in its original's cluster (by a face or the whole picture) | face score min / median / 95th / max |",
  );
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
  const foundAll = rows.reduce((n, r) => n + Number(/\| (\d+) \(/.exec(r)![1]), 0);
  console.log(`| **all** | ${chosen.length * 3} | | **${foundAll} (${((foundAll / (chosen.length * 3)) * 100).toFixed(1)} %)** | |`);
  console.log(
    `\nexpressions204, same person neutral and smiling in one session: ${joined} of ${people.length} wrongly joined (${((joined / people.length) * 100).toFixed(1)} %); ` +
      `their scores min / median / 95th / max: ${quantiles(sessionScores)}`,
  );
  console.log(
    `finding them took ${seconds[archiveId]!.toFixed(1)} s for the 750 pictures of the archive and its copies (${archiveFaces.size} with a face), ${seconds[expressionsId]!.toFixed(1)} s for expressions204's ${people.length * 2}`,
  );
  console.log(`clusters joining two or more of the 600 originals: ${joinedOriginals.length}`);
  for (const c of joinedOriginals)
    console.log(`  ${[...c.faces, ...c.pictures].map((f) => basename(f.source)).join(' + ')} (scores ${c.scores.map((s) => s.score).join(', ')})`);
  // Where the threshold could sit: pairs at or under each score (each pair alone, no clustering).
  console.log('\n| threshold | copies under it (of 150) | same-session pairs under it (of 102) |\n|---:|---:|---:|');
  for (const t of [0.25, 0.3, 0.35, 0.4, 0.45, 0.5])
    console.log(
      `| ${t}${t === DUPLICATE_SCORE ? ' (used)' : ''} | ${copyScores.filter((s) => s <= t).length} | ${sessionScores.filter((s) => s <= t).length} |`,
    );
  if (missed.length) console.log(`missed: ${missed.join(', ')}`);
} finally {
  await studio.closeProject();
  if (!values.keep) rmSync(base, { recursive: true, force: true });
}
