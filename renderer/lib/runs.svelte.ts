// The open project's runs as every view sees them: the list, the live progress of those training,
// kept current by the engine's events so a view opened mid-run (or after a reload) shows it at once.
import type { Dataset, Run, RunProgress } from '../../shared/contract';
import { verdictWords } from '../../shared/health';
import { api } from './api';
import { notify, reportError } from './notices.svelte';
import { go } from './route.svelte';

export const runs = $state<{ list: Run[]; datasets: Dataset[]; live: Record<number, RunProgress>; loaded: boolean }>({
  list: [],
  datasets: [],
  live: {},
  loaded: false,
});

export async function refreshRuns(): Promise<void> {
  try {
    const [list, datasets, live] = await Promise.all([api.call('runs.list', {}), api.call('datasets.list', {}), api.call('runs.live', {})]);
    // A run.changed event may have arrived while this list was on its way (a pause confirmed just
    // after the request left): the newer state wins, or the view would show the run still running.
    const known = new Map(runs.list.map((r) => [r.id, r]));
    runs.list = list.map((r) => {
      const seen = known.get(r.id);
      return seen && seen.updatedAt > r.updatedAt ? seen : r;
    });
    runs.datasets = datasets;
    runs.live = Object.fromEntries(live.map((p) => [p.runId, p]));
    runs.loaded = true;
  } catch (err) {
    reportError(err);
  }
}

export function runById(id: number): Run | undefined {
  return runs.list.find((r) => r.id === id);
}

api.on('run.progress', (p) => {
  runs.live[p.runId] = p;
});
api.on('run.changed', (run) => {
  const i = runs.list.findIndex((r) => r.id === run.id);
  if (i >= 0) runs.list[i] = run;
  else runs.list.push(run);
  if (run.status !== 'running' && run.status !== 'paused') delete runs.live[run.id];
});
api.on('run.health', ({ runId, name, health }) => {
  const kimg = runById(runId)?.options.kimg !== undefined;
  const since = health.verdict === 'collapsing' ? ` since ${kimg ? `kimg ${health.onsetKimg}` : `epoch ${health.onsetEpoch}`}` : '';
  notify('error', `Run “${name}” ${verdictWords(health.verdict)}${since}: ${health.reasons[0] ?? ''}`, {
    label: 'Open its health',
    run: () => go(`#/run/${runId}`),
  });
});
api.on('project.changed', ({ project }) => {
  if (project) void refreshRuns();
  else Object.assign(runs, { list: [], datasets: [], live: {} });
});
