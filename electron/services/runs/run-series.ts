// A run's curves for the dashboard: per-step losses, speed and every other statistic averaged into at most N buckets in
// SQL (a long run has hundreds of thousands of steps; a chart needs a few hundred points), with
// each bucket's extremes kept so spikes still show, and every checkpoint with its health.
import type { RunSeries } from '../../../shared/contract';
import { checkpointAt, progressUnit } from '../../../shared/progress';
import { collapseOnset, type Verdict } from '../../../shared/health';
import type { Project } from '../projects/project';
import { getRun, listCheckpoints } from './run-store';

interface Bucket {
  b: number;
  step: number;
  mean: number;
  lo: number;
  hi: number;
}

function buckets(project: Project, runId: number, name: string, width: number): Map<number, Bucket> {
  const rows = project.db
    .prepare(
      'SELECT step / CAST(? AS INTEGER) AS b, max(step) AS step, avg(value) AS mean, min(value) AS lo, max(value) AS hi FROM run_metrics WHERE run_id = ? AND name = ? GROUP BY b ORDER BY b',
    )
    .all(width, runId, name) as Bucket[];
  return new Map(rows.map((r) => [r.b, r]));
}

export function runSeries(project: Project, runId: number, points: number): RunSeries {
  const run = getRun(project, runId);
  const unit = progressUnit(run.options);
  const { maxStep } = project.db.prepare("SELECT coalesce(max(step), 0) AS maxStep FROM run_metrics WHERE run_id = ? AND name = 'Loss/D'").get(runId) as {
    maxStep: number;
  };
  const width = Math.max(1, Math.ceil((maxStep + 1) / points));
  const d = buckets(project, runId, 'Loss/D', width);
  const g = buckets(project, runId, 'Loss/G', width);
  const speed = buckets(project, runId, 'Speed/img_per_s', width);
  const keys = [...d.keys()];
  const others = statNames(project, runId).filter((n) => !['Loss/D', 'Loss/G', 'Speed/img_per_s'].includes(n));
  const stats = others.map((name) => {
    const b = buckets(project, runId, name, width);
    return { name, values: keys.map((k) => b.get(k)?.mean ?? null) };
  });
  const health = new Map(
    (
      project.db.prepare('SELECT images_seen, verdict, metrics, reasons FROM run_health WHERE run_id = ?').all(runId) as {
        images_seen: number;
        verdict: Verdict;
        metrics: string;
        reasons: string;
      }[]
    ).map((h) => [h.images_seen, h]),
  );
  const checkpoints = listCheckpoints(project, runId).map((c) => {
    const h = health.get(c.imagesSeen);
    return {
      at: checkpointAt(unit, c),
      step: c.step,
      imagesSeen: c.imagesSeen,
      witnessGrid: c.witnessGrid,
      weightsKept: c.weightsKept,
      verdict: h?.verdict ?? null,
      metrics: h ? (JSON.parse(h.metrics) as Record<string, number | null>) : {},
      reasons: h ? (JSON.parse(h.reasons) as string[]) : [],
    };
  });
  const onset = collapseOnset(checkpoints.filter((c) => c.verdict !== null) as ((typeof checkpoints)[number] & { verdict: Verdict })[]);
  const stepsPerEpoch = Math.floor(getDatasetCount(project, run.datasetId) / run.options.batchSize);
  return {
    runId,
    unit,
    batchSize: run.options.batchSize,
    stepsPerEpoch,
    step: keys.map((k) => d.get(k)!.step),
    dLoss: keys.map((k) => d.get(k)!.mean),
    dMin: keys.map((k) => d.get(k)!.lo),
    dMax: keys.map((k) => d.get(k)!.hi),
    gLoss: keys.map((k) => g.get(k)?.mean ?? null),
    imagesPerSecond: keys.map((k) => speed.get(k)?.mean ?? null),
    stats,
    checkpoints,
    onsetAt: onset?.at ?? null,
  };
}

/** The names a run stored, each found by one seek in the by-name index rather than a scan of every row. */
function statNames(project: Project, runId: number): string[] {
  const next = project.db.prepare('SELECT min(name) AS name FROM run_metrics WHERE run_id = ? AND name > ?');
  const names: string[] = [];
  for (let last = ''; ;) {
    const { name } = next.get(runId, last) as { name: string | null };
    if (name === null) return names;
    names.push(name);
    last = name;
  }
}

function getDatasetCount(project: Project, datasetId: number): number {
  return (project.db.prepare('SELECT image_count AS n FROM datasets WHERE id = ?').get(datasetId) as { n: number }).n;
}
