// `leporello` on the command line: the same services as the studio, for scripting and benchmarks.
// Every command can answer in JSON (--json); exit code 0 means done, 1 an error explained in one
// line on stderr.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { parseArgs } from 'node:util';
import { BackendPreference, type ImageStatus, type ImportProgress, type ImportSummary } from '../shared/contract';
import { AppError } from '../shared/errors';
import { parseNumberList } from '../shared/number-list';
import { formatDuration } from '../shared/format';
import { checkpointAt, describeAt, progressUnit, trainingTarget } from '../shared/progress';
import { EventBus } from './api/event-bus';
import { createHandlers } from './api/handlers';
import { ApiRouter, parseRequest } from './api/router';
import { findCollectionByName } from './services/collections';
import { createDataset, listDatasets } from './services/datasets/datasets';
import { findRun, listCheckpoints, listRuns } from './services/runs/run-store';
import { buildTimeline, renderTimeline } from './services/runs/timeline';
import type { RunHandle } from './services/runs/run-manager';
import type { Run, RunProgress } from '../shared/contract';
import { listImages } from './services/images';
import { findNetwork } from './services/networks/network-store';
import { Studio } from './services/studio';
import { checkProject } from './services/projects/project-check';
import { Project } from './services/projects/project';
import { studioPaths } from './services/studio-paths';
import { startHeadlessServer } from './server/http-server';
import { exportNetworkCommand, generateCommand, importNetworkCommand, interpolateCommand, networksCommand, styleMixCommand } from './cli-networks';
import { latentsCommand, projectImageCommand } from './cli-latents';
import { exportCommand, renderCommand } from './cli-renders';
import { analyzeCommand } from './cli-analyze';

const USAGE = `usage: leporello <command> [options]

  project create <dir> [--name NAME]            create a project in an empty or new folder
  project check <dir> [--repair]                every file against its hash; orphans, stale partials and
                                                damaged rows listed; --repair removes what nothing references
  import <project> <paths...> [--collection NAME] [--label key=value ...] [--archive NAME]
                                                 import image files and folders (recursive)
  images <project> [--collection NAME] [--status ok|rejected|duplicate]
                                                 list a project's images
  dataset create <project> --collection NAME --resolution R [--grayscale] [--fit crop|pad]
                 [--xflip] [--label key=value] [--name NAME]
                                                 freeze a collection into a packed training dataset
  dataset list <project>                         list a project's datasets
  curate <project> [--collection NAME] [--size N] [--backend B]
                                                 find faces, their landmarks and descriptors, and write each
                                                 face's FFHQ-style aligned crop (N px, default 1024; never
                                                 upscaled); resumable: pictures already looked at are kept
  label <project> (--images 1,2,5-9 | --all) [--collection NAME] (--set key=value | --remove key)
                                                 set or remove a label on many images at once (all or nothing)
  export-dataset <project> --collection NAME --resolution R [--label-key KEY] --out FILE.zip
                                                 a StyleGAN2-ADA dataset archive (PNGs + dataset.json, the
                                                 label KEY's values as integer classes)
  import-dataset <project> FILE.zip [--collection NAME]
                                                 bring such an archive back as a collection, classes as labels
  flags <project> [--collection NAME] [--min-face PX] [--min-sharpness X] [--grey-below X] [--max-aspect R]
                                                 faces the quality thresholds flag, with every reason; given
                                                 thresholds are kept for the project
  duplicates <project> [--collection NAME] [--keep-suggested]
                                                 near-duplicate faces (one photograph twice) in clusters with a
                                                 suggested keeper; --keep-suggested excludes the others
  train <project> --dataset D --arch dcgan|thesis|progan|stylegan2 [--epochs N | --kimg N] [--batch B]
                 [--backend B] [--seed S] [--witnesses N] [--checkpoint-every N] [--width W] [--lr X]
                 [--d-steps K] [--phase-kimg N] [--name NAME]
                 StyleGAN2: [--from NETWORK] [--augment ada|none] [--target 0.6] [--freeze-d K] [--gamma R1] [--pl-weight 2]
                                                 train a GAN in an engine process (Ctrl-C stops it cleanly);
                                                 --checkpoint-every counts epochs, or kimg with --kimg
  resume <project> --run R                       continue a stopped or interrupted run from its last intact checkpoint
  fork <project> --run R [--checkpoint AT] [--epochs N | --kimg N] [--lr X] [--batch B] [--name NAME]
                                                 train on from a run's checkpoint (AT: its epoch or kimg) with other settings
  runs <project>                                 list a project's runs
  timeline <project> --run R [--vs R2] --out FILE.png
                                                 witnesses × checkpoints of a run, or of two aligned by epoch or kimg
  sample <project> --run R [--checkpoint AT] --count N [--seed S] --out DIR
                                                 draw new images from a run's generator as PNGs
  import-network <project> FILE.pkl [--name NAME]
                                                 import one of NVIDIA's StyleGAN2(-ADA) PyTorch network pickles
                                                 (read as data, never run) and show the license it comes with
  networks <project>                             list the project's imported networks
  export-network <project> --network N --out DIR
                                                 the network as network.json + float32 weights.bin (no pickle)
  generate <project> (--network N | --run R [--at KIMG]) (--seeds 0-15 | --z FILE.json|FILE.npy)
                 [--class K | --c FILE.json] [--trunc PSI] [--trunc-cutoff K] [--noise const|random|none] [--format png|npy]
                 [--backend B] --out DIR
                                                 images from a network or a fine-tuned StyleGAN2 run (its last
                                                 checkpoint, or the one at --at); seed N draws the same z as NVIDIA's
                                                 generate.py (numpy RandomState(N).randn); npy keeps the raw
                                                 float output (NCHW)
  style-mix <project> (--network N | --run R [--at KIMG]) --rows 85,100 --cols 55,821 [--styles 0-6] [--trunc PSI] [--class K] --out FILE.png
                                                 the style-mixing figure: each row's W with the columns' styles
                                                 at the given layers (coarse 0-3, middle 4-7, fine 8+)
  interpolate <project> (--network N | --run R [--at KIMG]) --from SEED --to SEED [--steps 9]
                 [--space w|z] [--easing linear|smooth] [--trunc PSI] [--class K] --out FILE.png
                                                 the faces between two seeds, side by side: a straight line
                                                 in W, or the great circle between their latents in Z
  latents <project> (--network N | --run R [--at KIMG]) ACTION [--name NAME]
                 list | seeds 1,2,3 | label IDS key=value | centroid key=value | mean IDS
                 | add A,B | subtract A,B | truncate ID --psi 0.7 | draw IDS --out FILE.png
                 | path IDS --out FILE.png [--frames 12] [--hold N] [--loop] [--easing smooth]
                                                 the project's latents of a generator (W for StyleGAN2, Z for
                                                 the others): from seeds, labelled, centroids, arithmetic,
                                                 keyframe paths (eased, held, looping)
  project-image <project> (--network N | --run R [--at KIMG]) --image ID [--steps 300] [--feature-weight 1] [--out FILE.png]
                                                 the latent that best redraws an image's aligned face
                                                 (pixels, multi-scale SSIM and face descriptors), stored with
                                                 its distances; --feature-weight 0 leaves descriptors out
  render video <project> (--network N | --run R [--at KIMG]) --path SPEC --seconds S [--fps 30] --out FILE.mp4
                 [--size PX] [--easing smooth|linear] [--loop] [--hold S] [--title TEXT] [--prores]
                                                 a blend video through anchors (seed:3, latent:ID, image:ID,
                                                 label:key=value for a centroid, or a JSON file), H.264 MP4
                                                 and optionally ProRes, drawn and encoded together
  analyze <project> (--network N | --run R [--at KIMG]) --feature NAME [--out REPORT.json]
                 [--shrinkage G] [--generate VALUE [--count 16] [--multiplier 2] [--start-seed S]]
                                                 t-tests per latent dimension (normality and equal-variance
                                                 checks), LDA and its classifier for a labelled feature;
                                                 faces generated with a requested value, and their success rate
  export leporello <project> --recto COLLECTION (--run R | --verso-video FILE) --panels N --panel-size WxH
                 --out FILE.pdf [--verso-grid 1x3] [--witnesses IDS] [--sheet strip|A4|A3] [--bleed MM]
                 [--margin MM] [--background #rrggbb] [--title TEXT]
                                                 an accordion book as print-ready PDF: portraits on the recto,
                                                 the run's timeline (or a video's frames) on the verso; crop
                                                 and fold marks, bleed, glue tabs when tiled onto A4/A3
  export contact-sheet <project> (--collection NAME | --run R [--at N] | --video FILE) [--count N]
                 [--columns 6] [--cell 192] --out FILE.png|FILE.pdf
                                                 pictures in a captioned grid: one PNG, or A4 pages of PDF
  backends                                       which compute backends work here, and why not the others
  serve [project] [--port N]                     serve the studio on 127.0.0.1 for a browser

every command takes --json for machine-readable output`;

export type Out = { json: boolean };

function print(out: Out, value: unknown, text: string): void {
  process.stdout.write(out.json ? JSON.stringify(value, null, 2) + '\n' : text.endsWith('\n') ? text : text + '\n');
}

function newStudio(): Studio {
  return new Studio({ ...studioPaths(), shell: 'browser', events: new EventBus() });
}

async function projectCreate(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, json: { type: 'boolean' } } });
  const dir = positionals[0];
  if (!dir) throw new AppError('invalid_request', 'project create needs a folder: leporello project create <dir> [--name NAME]');
  const name = values.name ?? resolve(dir).split(/[\\/]/).pop() ?? 'project';
  const studio = newStudio();
  const summary = await studio.createProject(parseRequest('projects.create', { name }).name, dir);
  await studio.closeProject();
  print(out, summary, `created project "${summary.name}" in ${summary.path}`);
}

async function projectCheck(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { repair: { type: 'boolean' }, json: { type: 'boolean' } } });
  const dir = positionals[0];
  if (!dir) throw new AppError('invalid_request', 'project check needs a project folder: leporello project check <dir> [--repair]');
  const project = Project.open(dir);
  try {
    const r = await checkProject(project, { repair: values.repair });
    const lines = [
      `${r.checked} files checked: ${r.damaged.length ? `${r.damaged.length} damaged or missing` : 'all intact'}`,
      ...r.damaged.map((d) => `  ${d.problem}: ${d.path} (${d.table} #${d.id})`),
      `${r.orphans.length} files nothing references${r.orphans.length && !values.repair ? ' (--repair removes them)' : ''}`,
      ...r.orphans.slice(0, 20).map((o) => `  ${o}`),
      ...(r.orphans.length > 20 ? [`  … and ${r.orphans.length - 20} more`] : []),
      `${r.stalePartials.length} half-written files of processes that died`,
      ...r.stalePartials.map((p) => `  ${p}`),
      ...(values.repair ? [`removed ${r.removed.length}`] : []),
      ...(r.damaged.length ? ['Damaged rows point at files that are gone or changed: restore the project folder from a backup.'] : []),
    ];
    print(out, r, lines.join('\n'));
  } finally {
    project.close();
  }
}

async function importCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { collection: { type: 'string' }, label: { type: 'string', multiple: true }, archive: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [projectDir, ...paths] = positionals;
  if (!projectDir || paths.length === 0) throw new AppError('invalid_request', 'import needs a project and at least one path: leporello import <project> <paths...>');
  const labels: Record<string, string> = {};
  for (const l of values.label ?? []) {
    const { key, value } = parseLabel(l);
    labels[key] = value;
  }
  const request = parseRequest('import.start', {
    paths: paths.map((p) => resolve(p)),
    collection: values.collection ?? 'default',
    labels: Object.keys(labels).length ? labels : undefined,
    archive: values.archive,
  });
  const studio = newStudio();
  await studio.openProject(projectDir);
  const showProgress = process.stderr.isTTY && !out.json;
  if (showProgress) studio.events.subscribe((m) => m.event === 'import.progress' && drawProgress(m.payload as ImportProgress));
  const { job, done } = studio.startImport(request);
  const stop = () => job.cancel();
  process.once('SIGINT', stop);
  const summary = await done;
  process.off('SIGINT', stop);
  if (showProgress) process.stderr.write('\n');
  await studio.closeProject();
  print(out, summary, describeSummary(summary));
  if (summary.error) throw new AppError('internal', `import stopped: ${summary.error}`);
}

function drawProgress(p: Pick<ImportProgress, 'done' | 'total' | 'etaSeconds'> & { imagesPerSecond: number | null }): void {
  const width = 30;
  const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
  const rate = p.imagesPerSecond === null ? '' : `  ${p.imagesPerSecond.toFixed(0)} img/s`;
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}${rate}  ETA ${formatDuration(p.etaSeconds)}   `);
}

function describeSummary(s: ImportSummary): string {
  const lines = [
    `${s.cancelled ? 'import cancelled' : 'import done'}: ${s.imported} imported, ${s.alreadyPresent} already in the project, ${s.duplicates} duplicates, ${s.rejected} rejected (${s.done} of ${s.total} files, ${s.imagesPerSecond.toFixed(0)} img/s)`,
  ];
  for (const r of s.rejections) lines.push(`  rejected  ${r.path}: ${r.reason}`);
  for (const d of s.duplicatesFound) lines.push(`  duplicate ${d.path} = ${d.duplicateOf}`);
  return lines.join('\n');
}


function parseLabel(text: string): { key: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new AppError('invalid_request', `--label "${text}" is not key=value (e.g. --label category=death)`);
  return { key: text.slice(0, eq), value: text.slice(eq + 1) };
}

async function datasetCommand(args: string[], out: Out): Promise<void> {
  const [sub, ...rest] = args;
  const { positionals, values } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      collection: { type: 'string' },
      resolution: { type: 'string' },
      grayscale: { type: 'boolean' },
      fit: { type: 'string' },
      xflip: { type: 'boolean' },
      label: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const projectDir = positionals[0];
  if (!projectDir || (sub !== 'create' && sub !== 'list')) throw new AppError('invalid_request', 'usage: leporello dataset create|list <project> …');
  const studio = newStudio();
  await studio.openProject(projectDir);
  const project = studio.requireProject();
  try {
    if (sub === 'list') {
      const datasets = listDatasets(project);
      const text = datasets.map((d) => `${d.id}\t${d.name}\t${d.imageCount} images\t${d.resolution}px ${d.channels === 1 ? 'gray' : 'RGB'} ${d.fit}${d.xflip ? ' x-flip' : ''}`).join('\n');
      print(out, datasets, `${text}${text ? '\n' : ''}${datasets.length} datasets`);
      return;
    }
    if (!values.collection || !values.resolution) throw new AppError('invalid_request', 'dataset create needs --collection NAME and --resolution R (a power of two, 16–1024)');
    const request = parseRequest('datasets.create', {
      collectionId: findCollectionByName(project, values.collection).id,
      resolution: Number(values.resolution),
      grayscale: values.grayscale ?? false,
      fit: values.fit ?? 'crop',
      xflip: values.xflip ?? false,
      label: values.label ? parseLabel(values.label) : undefined,
      name: values.name,
    });
    const showProgress = process.stderr.isTTY && !out.json;
    const dataset = await createDataset(project, request, {
      onProgress: showProgress ? (p) => drawProgress({ done: p.done, total: p.total, etaSeconds: p.etaSeconds, imagesPerSecond: null }) : undefined,
    });
    if (showProgress) process.stderr.write('\n');
    print(out, dataset, `dataset "${dataset.name}": ${dataset.imageCount} images at ${dataset.resolution}×${dataset.resolution} ${dataset.channels === 1 ? 'grayscale' : 'RGB'} in ${dataset.path} (sha256 ${dataset.sha256.slice(0, 12)}…)`);
  } finally {
    await studio.closeProject();
  }
}

async function imagesCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { collection: { type: 'string' }, status: { type: 'string' }, json: { type: 'boolean' } },
  });
  const projectDir = positionals[0];
  if (!projectDir) throw new AppError('invalid_request', 'images needs a project: leporello images <project>');
  const studio = newStudio();
  const project = (await studio.openProject(projectDir), studio.requireProject());
  const collectionId = values.collection ? findCollectionByName(project, values.collection).id : undefined;
  const query = parseRequest('images.list', { collectionId, status: values.status as ImageStatus | undefined });
  const result = listImages(project, query);
  await studio.closeProject();
  const text = result.items.map((i) => `${i.id}\t${i.status}\t${i.sourceName}${i.reason ? `\t${i.reason}` : ''}`).join('\n');
  print(out, result, `${text}${text ? '\n' : ''}${result.total} images`);
}

function datasetByRef(project: ReturnType<Studio['requireProject']>, ref: string) {
  const all = listDatasets(project);
  const found = all.find((d) => String(d.id) === ref || d.name.toLowerCase() === ref.toLowerCase());
  if (!found) throw new AppError('not_found', `no dataset "${ref}" in ${project.dir}; datasets: ${all.map((d) => d.name).join(', ') || 'none yet (leporello dataset create)'}`);
  return found;
}

function describeRun(r: Run): string {
  const unit = progressUnit(r.options);
  const last = r.lastCheckpoint ? `${describeAt(unit, checkpointAt(unit, r.lastCheckpoint))}/${trainingTarget(r.options)}` : 'no checkpoint';
  return `${r.id}\t${r.name}\t${r.status}\t${r.arch}\t${last}\t${r.backend ?? '—'}${r.reason ? `\t${r.reason}` : ''}`;
}

/** Follows a run in the foreground: progress on a terminal, Ctrl-C stops it cleanly. */
async function followRun(studio: Studio, handle: RunHandle, out: Out): Promise<void> {
  for (const note of handle.notes) process.stderr.write(`note: ${note}\n`);
  const showProgress = process.stderr.isTTY && !out.json;
  if (showProgress) {
    studio.events.subscribe((m) => {
      if (m.event !== 'run.progress') return;
      const p = m.payload as RunProgress;
      drawProgress({ done: p.imagesSeen, total: p.imagesTotal, etaSeconds: p.etaSeconds, imagesPerSecond: p.imagesPerSecond });
      const where = p.epochs !== null ? `epoch ${Math.min(p.epochs, p.epoch + 1)}/${p.epochs}` : `kimg ${(p.imagesSeen / 1000).toFixed(1)}/${p.kimgTotal}`;
      const stage = p.stage ? `  ${p.stage.resolution}px${p.stage.alpha < 1 ? ` fading in ${(p.stage.alpha * 100).toFixed(0)} %` : ''}` : '';
      const ada = p.augmentP !== null ? `  ADA p ${p.augmentP.toFixed(3)}` : '';
      process.stderr.write(`${where}${stage}  D ${p.dLoss.toFixed(3)}  G ${p.gLoss?.toFixed(3) ?? '—'}${ada} `);
    });
  }
  const stop = () => studio.runs.stop(handle.run.id);
  process.once('SIGINT', stop);
  const run = await handle.done;
  process.off('SIGINT', stop);
  if (showProgress) process.stderr.write('\n');
  await studio.closeProject();
  print(out, run, describeRun(run));
  if (run.status === 'failed' || run.status === 'interrupted') throw new AppError('internal', `run "${run.name}" ${run.status}: ${run.reason}`);
}

async function trainCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      arch: { type: 'string' },
      epochs: { type: 'string' },
      kimg: { type: 'string' },
      batch: { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
      witnesses: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      width: { type: 'string' },
      lr: { type: 'string' },
      'd-steps': { type: 'string' },
      'phase-kimg': { type: 'string' },
      from: { type: 'string' },
      augment: { type: 'string' },
      target: { type: 'string' },
      'freeze-d': { type: 'string' },
      gamma: { type: 'string' },
      'pl-weight': { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const projectDir = positionals[0];
  if (!projectDir || !values.dataset || !values.arch) throw new AppError('invalid_request', 'train needs a project, --dataset D and --arch dcgan|thesis|progan|stylegan2');
  const studio = newStudio();
  await studio.openProject(projectDir);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const request = parseRequest('runs.start', {
    datasetId: datasetByRef(studio.requireProject(), values.dataset).id,
    arch: values.arch,
    name: values.name,
    epochs: num(values.epochs),
    kimg: num(values.kimg),
    batchSize: num(values.batch),
    backend: values.backend,
    seed: num(values.seed),
    witnesses: num(values.witnesses),
    checkpointEvery: num(values['checkpoint-every']),
    width: num(values.width),
    learningRate: num(values.lr),
    dSteps: num(values['d-steps']),
    phaseKimg: num(values['phase-kimg']),
    network: values.from === undefined ? undefined : findNetwork(studio.requireProject(), values.from).id,
    augment: values.augment,
    adaTarget: num(values.target),
    freezeD: num(values['freeze-d']),
    r1Gamma: num(values.gamma),
    plWeight: num(values['pl-weight']),
  });
  await followRun(studio, await studio.runs.start(request), out);
}

async function resumeCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { run: { type: 'string' }, json: { type: 'boolean' } } });
  if (!positionals[0] || !values.run) throw new AppError('invalid_request', 'resume needs a project and --run R (its id or name)');
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  await followRun(studio, await studio.runs.resume(findRun(studio.requireProject(), values.run).id), out);
}

async function forkCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      run: { type: 'string' },
      checkpoint: { type: 'string' },
      epochs: { type: 'string' },
      kimg: { type: 'string' },
      lr: { type: 'string' },
      batch: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!positionals[0] || !values.run) throw new AppError('invalid_request', 'fork needs a project and --run R');
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const request = parseRequest('runs.fork', {
    runId: findRun(studio.requireProject(), values.run).id,
    at: num(values.checkpoint),
    epochs: num(values.epochs),
    kimg: num(values.kimg),
    learningRate: num(values.lr),
    batchSize: num(values.batch),
    name: values.name,
  });
  await followRun(studio, await studio.runs.fork(request), out);
}

async function runsCommand(args: string[], out: Out): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (!positionals[0]) throw new AppError('invalid_request', 'runs needs a project: leporello runs <project>');
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const runs = listRuns(studio.requireProject());
  await studio.closeProject();
  print(out, runs, `${runs.map(describeRun).join('\n')}${runs.length ? '\n' : ''}${runs.length} runs`);
}

async function timelineCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { run: { type: 'string' }, vs: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } } });
  if (!positionals[0] || !values.run || !values.out) throw new AppError('invalid_request', 'timeline needs a project, --run R and --out FILE.png');
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const project = studio.requireProject();
  try {
    const ids = [findRun(project, values.run).id, ...(values.vs ? [findRun(project, values.vs).id] : [])];
    const timeline = buildTimeline(project, ids);
    const size = await renderTimeline(project, timeline, resolve(values.out));
    print(out, { ...timeline, image: resolve(values.out), ...size }, `${resolve(values.out)}: ${timeline.runs.map((r) => `${r.witnesses} witnesses of "${r.name}"`).join(' over ')} × ${timeline.positions.length} checkpoints (${timeline.unit} ${timeline.positions.join(', ')}), ${size.width}×${size.height} px`);
  } finally {
    await studio.closeProject();
  }
}

async function sampleCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { run: { type: 'string' }, checkpoint: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  });
  const count = Number(values.count);
  if (!positionals[0] || !values.run || !values.out || !Number.isInteger(count) || count < 1 || count > 10_000) {
    throw new AppError('invalid_request', 'sample needs a project, --run R, --count N (1–10000) and --out DIR');
  }
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const project = studio.requireProject();
  try {
    const run = findRun(project, values.run);
    const checkpoints = listCheckpoints(project, run.id);
    const unit = progressUnit(run.options);
    const chosen = values.checkpoint === undefined ? checkpoints.at(-1) : checkpoints.find((c) => checkpointAt(unit, c) === Number(values.checkpoint));
    if (!chosen) {
      const wanted = values.checkpoint === undefined ? '' : ` at ${describeAt(unit, Number(values.checkpoint))}`;
      throw new AppError('not_found', `run "${run.name}" has no checkpoint${wanted}; its checkpoints (${unit}): ${checkpoints.map((c) => checkpointAt(unit, c)).join(', ') || 'none'}`);
    }
    const at = describeAt(unit, checkpointAt(unit, chosen));
    const { selectBackend } = await import('./engine/backends');
    const { sampleFromCheckpoint } = await import('./engine/sample');
    await selectBackend('auto', 'sample');
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    const samples = await sampleFromCheckpoint(join(project.dir, chosen.path), chosen.sha256, count, seed);
    const dir = resolve(values.out);
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    for (const [i, img] of samples.images.entries()) {
      const file = join(dir, `${run.name}-${at.replace(' ', '')}-seed${seed}-${String(i + 1).padStart(4, '0')}.png`);
      const png = sharp(img, { raw: { width: samples.resolution, height: samples.resolution, channels: samples.channels } });
      await (samples.channels === 1 ? png.toColourspace('b-w') : png).png().toFile(file);
      files.push(file);
    }
    print(out, { run: run.id, epoch: chosen.epoch, kimg: chosen.kimg, seed, files }, `${files.length} images from "${run.name}" at ${at} in ${dir}`);
  } finally {
    await studio.closeProject();
  }
}

async function curateCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { collection: { type: 'string' }, size: { type: 'string', default: '1024' }, backend: { type: 'string', default: 'auto' }, json: { type: 'boolean' } },
  });
  const masterSize = Number(values.size);
  if (!positionals[0] || !Number.isInteger(masterSize) || masterSize < 16 || masterSize > 4096) {
    throw new AppError('invalid_request', 'curate needs a project, and --size between 16 and 4096 px');
  }
  const backend = BackendPreference.safeParse(values.backend);
  if (!backend.success) throw new AppError('invalid_request', `--backend ${values.backend} is not one of ${BackendPreference.options.join(', ')}`);
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const project = studio.requireProject();
  try {
    const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection).id;
    // Loaded only here: the detector needs TensorFlow.js, which no lighter command loads.
    const { selectBackend } = await import('./engine/backends');
    const { curateCollection } = await import('./services/curation/curate-job');
    const choice = await selectBackend(backend.data, 'sample');
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    const showProgress = process.stderr.isTTY && !out.json;
    const started = performance.now();
    const summary = await curateCollection(project, {
      collectionId,
      masterSize,
      signal: controller.signal,
      onProgress: showProgress ? (p) => drawProgress({ ...p, imagesPerSecond: p.done / ((performance.now() - started) / 1000) }) : undefined,
    });
    process.off('SIGINT', stop);
    if (showProgress) process.stderr.write('\n');
    const looked = summary.done;
    const lines = [
      `${summary.cancelled ? 'curation cancelled' : 'curation done'} on ${choice.name}: ${looked} pictures looked at (${summary.skipped} already were), ${summary.faces} faces; ` +
        `faces found in ${looked - summary.noFace - summary.failed} of ${looked} pictures (${looked ? (((looked - summary.noFace - summary.failed) / looked) * 100).toFixed(1) : '0'} %)`,
      ...summary.problems.map((p) => `  ${p.imageId}\t${p.source}: ${p.reason}`),
    ];
    print(out, { backend: choice.name, ...summary }, lines.join('\n'));
  } finally {
    await studio.closeProject();
  }
}

async function flagsCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      collection: { type: 'string' },
      'min-face': { type: 'string' },
      'min-sharpness': { type: 'string' },
      'grey-below': { type: 'string' },
      'max-aspect': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!positionals[0]) throw new AppError('invalid_request', 'flags needs a project: leporello flags <project> [--collection NAME] [--min-face PX] …');
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const project = studio.requireProject();
  try {
    const { flaggedFaces, setThresholds } = await import('./services/curation/quality');
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const thresholds = setThresholds(project, {
      minFacePx: num(values['min-face']),
      minSharpness: num(values['min-sharpness']),
      greyBelow: num(values['grey-below']),
      maxAspect: num(values['max-aspect']),
    });
    const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection).id;
    const flagged = flaggedFaces(project, collectionId, thresholds);
    const lines = flagged.map((f) => `face ${f.faceId}\t${f.status}\t${f.source}\t${f.reasons.join('; ')}`);
    const summary = `${flagged.length} faces flagged (faces under ${thresholds.minFacePx} px, sharpness under ${thresholds.minSharpness}, grey below ${thresholds.greyBelow}, aspect over ${thresholds.maxAspect}:1)`;
    print(out, { thresholds, flagged }, [...lines, summary].join('\n'));
  } finally {
    await studio.closeProject();
  }
}

async function exportDatasetCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { collection: { type: 'string' }, resolution: { type: 'string' }, 'label-key': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!positionals[0] || !values.collection || !values.resolution || !values.out) {
    throw new AppError('invalid_request', 'export-dataset needs a project, --collection NAME, --resolution R and --out FILE.zip');
  }
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const project = studio.requireProject();
  try {
    const { exportStyleganArchive } = await import('./services/exchange/stylegan-archive');
    const result = await exportStyleganArchive(project, {
      collectionId: findCollectionByName(project, values.collection).id,
      resolution: Number(values.resolution),
      labelKey: values['label-key'],
      out: resolve(values.out),
    });
    print(out, result, `${result.file}: ${result.images} images at ${values.resolution} px${result.classes.length ? `, classes ${result.classes.map((c, i) => `${i} = ${c}`).join(', ')}` : ', no labels'}`);
  } finally {
    await studio.closeProject();
  }
}

async function importDatasetCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { collection: { type: 'string' }, json: { type: 'boolean' } } });
  if (!positionals[0] || !positionals[1]) throw new AppError('invalid_request', 'import-dataset needs a project and a FILE.zip');
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  try {
    const { importStyleganArchive } = await import('./services/exchange/stylegan-archive');
    const summary = await importStyleganArchive(studio, resolve(positionals[1]), values.collection);
    print(out, summary, `${describeSummary(summary)}\n${summary.labelled} images labelled with their class`);
  } finally {
    await studio.closeProject();
  }
}

async function labelCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { images: { type: 'string' }, all: { type: 'boolean' }, collection: { type: 'string' }, set: { type: 'string' }, remove: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!positionals[0] || !!values.images === !!values.all || !!values.set === !!values.remove) {
    throw new AppError('invalid_request', 'label needs a project, either --images IDS or --all, and either --set key=value or --remove key');
  }
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const project = studio.requireProject();
  try {
    const { setLabel, removeLabel } = await import('./services/labels');
    const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection).id;
    const imageIds = values.all
      ? listImages(project, parseRequest('images.list', { collectionId, status: 'ok' })).items.map((i) => i.id)
      : parseNumberList(values.images!);
    if (imageIds.length === 0) throw new AppError('invalid_request', 'no images to label: the collection has no kept images');
    if (values.set) {
      const { key, value } = parseLabel(values.set);
      const request = parseRequest('labels.set', { imageIds, key, value });
      const updated = setLabel(project, request.imageIds, request.key, request.value);
      print(out, { updated, key: request.key, value: request.value }, `${request.key} = ${request.value} on ${updated} images`);
    } else {
      const request = parseRequest('labels.remove', { imageIds, key: values.remove! });
      const updated = removeLabel(project, request.imageIds, request.key);
      print(out, { updated, key: request.key }, `${request.key} removed from ${updated} images`);
    }
  } finally {
    await studio.closeProject();
  }
}

async function duplicatesCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { collection: { type: 'string' }, 'keep-suggested': { type: 'boolean' }, json: { type: 'boolean' } } });
  if (!positionals[0]) throw new AppError('invalid_request', 'duplicates needs a project: leporello duplicates <project> [--collection NAME] [--keep-suggested]');
  const studio = newStudio();
  await studio.openProject(positionals[0]);
  const project = studio.requireProject();
  try {
    const { findDuplicates, keepOne } = await import('./services/curation/duplicates');
    const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection).id;
    const clusters = await findDuplicates(project, collectionId);
    let excluded = 0;
    if (values['keep-suggested']) for (const c of clusters) excluded += keepOne(project, c.keeper, c.faces.map((f) => f.faceId));
    const lines = clusters.map((c, n) =>
      [`cluster ${n + 1}:`, ...c.faces.map((f) => `  ${f.faceId === c.keeper ? 'keep' : (values['keep-suggested'] ? 'excluded' : 'repeat')}\tface ${f.faceId}\t${f.source}\t${f.sourceSide} px, sharpness ${f.sharpness.toFixed(0)}`)].join('\n'),
    );
    const tail = `${clusters.length} clusters of near-duplicates${values['keep-suggested'] ? `; ${excluded} faces excluded, the suggested keeper of each kept` : clusters.length ? '; --keep-suggested keeps the suggested face of each and excludes the rest' : ''}`;
    print(out, { clusters, excluded }, [...lines, tail].join('\n'));
  } finally {
    await studio.closeProject();
  }
}

const cli = { print, newStudio, parseIdList: parseNumberList };

async function backendsCommand(args: string[], out: Out): Promise<void> {
  parseArgs({ args, options: { json: { type: 'boolean' } } });
  // Loaded only here: TensorFlow.js takes a second to load and no other command needs it.
  const { probeBackends } = await import('./engine/backends');
  const train = await probeBackends('train');
  const sample = await probeBackends('sample');
  const rows = train.map((t, i) => ({ name: t.name, train: t.ok, sample: sample[i]!.ok, detail: t.ok ? t.detail : sample[i]!.ok ? `${sample[i]!.detail}; not for training: ${t.detail}` : t.detail }));
  print(out, rows, rows.map((r) => `${r.name.padEnd(11)} train ${r.train ? 'yes' : 'no '}  sample ${r.sample ? 'yes' : 'no '}  ${r.detail}`).join('\n'));
}

async function serveCommand(args: string[], out: Out): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { port: { type: 'string' }, json: { type: 'boolean' } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError('invalid_request', `--port ${values.port} is not a port number (0–65535)`);
  const studio = newStudio();
  if (positionals[0]) await studio.openProject(positionals[0]);
  const router = new ApiRouter(createHandlers(studio));
  const server = await startHeadlessServer({ router, events: studio.events, projectDir: () => studio.current?.dir ?? null, port });
  print(out, { url: server.url, port: server.port, token: server.token }, `Leporello studio for the browser: ${server.url}\n(listening on 127.0.0.1 only; the token in the address is the key, keep it private. Ctrl-C stops.)`);
  const stop = async () => {
    await server.close();
    await studio.closeProject();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = { json: rest.includes('--json') };
  try {
    if (command === 'project' && rest[0] === 'create') await projectCreate(rest.slice(1), out);
    else if (command === 'project' && rest[0] === 'check') await projectCheck(rest.slice(1), out);
    else if (command === 'import') await importCommand(rest, out);
    else if (command === 'images') await imagesCommand(rest, out);
    else if (command === 'dataset') await datasetCommand(rest, out);
    else if (command === 'serve') await serveCommand(rest, out);
    else if (command === 'backends') await backendsCommand(rest, out);
    else if (command === 'train') await trainCommand(rest, out);
    else if (command === 'resume') await resumeCommand(rest, out);
    else if (command === 'runs') await runsCommand(rest, out);
    else if (command === 'fork') await forkCommand(rest, out);
    else if (command === 'timeline') await timelineCommand(rest, out);
    else if (command === 'sample') await sampleCommand(rest, out);
    else if (command === 'curate') await curateCommand(rest, out);
    else if (command === 'duplicates') await duplicatesCommand(rest, out);
    else if (command === 'label') await labelCommand(rest, out);
    else if (command === 'flags') await flagsCommand(rest, out);
    else if (command === 'export-dataset') await exportDatasetCommand(rest, out);
    else if (command === 'import-dataset') await importDatasetCommand(rest, out);
    else if (command === 'import-network') await importNetworkCommand(rest, out, cli);
    else if (command === 'networks') await networksCommand(rest, out, cli);
    else if (command === 'export-network') await exportNetworkCommand(rest, out, cli);
    else if (command === 'generate') await generateCommand(rest, out, cli);
    else if (command === 'style-mix') await styleMixCommand(rest, out, cli);
    else if (command === 'interpolate') await interpolateCommand(rest, out, cli);
    else if (command === 'latents') await latentsCommand(rest, out, cli);
    else if (command === 'project-image') await projectImageCommand(rest, out, cli);
    else if (command === 'render') await renderCommand(rest, out, cli);
    else if (command === 'export') await exportCommand(rest, out, cli);
    else if (command === 'analyze') await analyzeCommand(rest, out, cli);
    else if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 1 : 0;
    } else throw new AppError('invalid_request', `unknown command "${[command, rest[0]].filter(Boolean).join(' ')}"; run "leporello help"`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`leporello: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

// `leporello images … | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await main(process.argv.slice(2));
if (code !== 0 || !['serve'].includes(process.argv[2] ?? '')) process.exitCode = code;
