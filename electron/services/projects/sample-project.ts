// "Try the sample project": a project a new curator can look at before gathering any portraits —
// the sample collection shipped in resources/sample imported with its catalogue, its faces found
// and aligned, a 32 px dataset, and a small DCGAN training on it (about half a minute on two
// cores), so that the timeline fills while they watch and the book has something to print.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunRequest, type EventPayload, type ProjectSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { appRoot } from '../../app-paths';
import { createDataset } from '../datasets/datasets';
import type { RunHandle } from '../runs/run-manager';
import type { Studio } from '../studio';

export const SAMPLE_NAME = 'Sample — Congress portraits';
export const SAMPLE_COLLECTION = 'congress';

/** Where the sample lies; inside a packaged app, the copy kept outside the asar archive (images are read by native code). */
export function sampleDir(): string {
  const dir = join(appRoot, 'resources', 'sample');
  const unpacked = dir.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  return existsSync(unpacked) ? unpacked : dir;
}

/** The settings of the sample's run: learns faces' rough shape in about 800 steps. */
export const SAMPLE_RUN = { arch: 'dcgan', epochs: 120, batchSize: 8, checkpointEvery: 12, witnesses: 16, width: 16, name: 'first-dcgan' } as const;

export interface SampleStep {
  step: 'import' | 'curate' | 'dataset' | 'train';
  done: number;
  total: number;
  message: string;
}

/** A name for the sample project that no folder in the projects root has yet. */
function freeName(projectsRoot: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? SAMPLE_NAME : `${SAMPLE_NAME} ${n}`;
    if (!existsSync(join(projectsRoot, name.replace(/[^\p{L}\p{N} _.-]+/gu, '-')))) return name;
  }
}

/**
 * Creates and opens the sample project, and starts its run; resolves once the run has started
 * (it trains on while the curator looks). `signal` cancels the import or the face finding.
 */
export async function createSampleProject(
  studio: Studio,
  options: { signal: AbortSignal; onStep: (s: SampleStep) => void },
): Promise<{ project: ProjectSummary; run: RunHandle }> {
  const source = sampleDir();
  if (!existsSync(join(source, 'portraits'))) throw new AppError('not_found', `the sample collection is missing from ${source}: reinstall the studio`);
  const summary = await studio.createProject(freeName(studio.options.projectsRoot));
  const project = studio.requireProject();
  // The import's and the curation's own progress, passed on as the sample's steps.
  const unsubscribe = studio.events.subscribe((m) => {
    if (m.event === 'import.progress') {
      const p = m.payload as EventPayload<'import.progress'>;
      options.onStep({ step: 'import', done: p.done, total: p.total, message: 'importing the sample portraits' });
    } else if (m.event === 'curation.progress') {
      const p = m.payload as EventPayload<'curation.progress'>;
      options.onStep({ step: 'curate', done: p.done, total: p.total, message: `finding and aligning the faces: ${p.faces} so far` });
    }
  });
  try {
    return await build();
  } finally {
    unsubscribe();
  }

  async function build(): Promise<{ project: ProjectSummary; run: RunHandle }> {
    const cancelled = () =>
      new AppError('cancelled', `the sample project was stopped; what it made so far is in "${summary.name}", which you can delete from Projects`);

    const { job, done: imported } = studio.startImport({
      paths: [join(source, 'portraits')],
      collection: SAMPLE_COLLECTION,
      metadata: join(source, 'portraits.csv'),
    });
    const stopImport = () => studio.cancelImport(job.id);
    options.signal.addEventListener('abort', stopImport);
    options.onStep({ step: 'import', done: 0, total: 1, message: 'importing the sample portraits' });
    const importSummary = await imported.finally(() => options.signal.removeEventListener('abort', stopImport));
    if (options.signal.aborted || importSummary.cancelled) throw cancelled();
    if (importSummary.error) throw new AppError('internal', `the sample portraits could not be imported: ${importSummary.error}`);

    const curation = studio.curation.start({ collectionId: importSummary.collectionId, masterSize: 128, backend: 'auto' });
    const stopCuration = () => studio.curation.cancel(curation.jobId);
    options.signal.addEventListener('abort', stopCuration);
    options.onStep({ step: 'curate', done: 0, total: importSummary.imported, message: 'finding and aligning the faces' });
    const curated = await curation.done.finally(() => options.signal.removeEventListener('abort', stopCuration));
    if (options.signal.aborted || curated.cancelled) throw cancelled();
    if (curated.error) throw new AppError('internal', `the sample's faces could not be found: ${curated.error}`);

    options.onStep({ step: 'dataset', done: 0, total: 1, message: 'making a 32 px dataset of the faces' });
    const dataset = await createDataset(project, {
      collectionId: importSummary.collectionId,
      resolution: 32,
      grayscale: false,
      fit: 'crop',
      xflip: false,
    });
    if (options.signal.aborted) throw cancelled();

    options.onStep({ step: 'train', done: 0, total: 1, message: 'starting a small DCGAN' });
    const run = await studio.runs.start(RunRequest.parse({ datasetId: dataset.id, ...SAMPLE_RUN }));
    return { project: studio.requireProject().summary(), run };
  }
}
