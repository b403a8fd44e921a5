// What a command says: its answer on stdout (text, or one JSON document with --json), progress
// and warnings on stderr, so that --json output stays one document.
import type { JobProgressMessage } from '../engine/protocol';
import { formatDuration } from '../../shared/format';
import type { Out } from './command';

export function print(out: Out, value: unknown, text: string): void {
  process.stdout.write(out.json ? JSON.stringify(value, null, 2) + '\n' : text.endsWith('\n') ? text : text + '\n');
}

export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** A progress bar on a terminal: done/total, the rate and the time left. */
export function drawProgress(p: { done: number; total: number; etaSeconds: number | null; imagesPerSecond: number | null }): void {
  const width = 30;
  const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
  const rate = p.imagesPerSecond === null ? '' : `  ${p.imagesPerSecond.toFixed(0)} img/s`;
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}${rate}  ETA ${formatDuration(p.etaSeconds)}   `);
}

/**
 * A job's progress on stderr: a line at most every second, and the last one, each with the time
 * left ("frame 120/300, 42 s left").
 */
export function progressLines(): (p: JobProgressMessage) => void {
  let last = 0;
  return (p) => {
    if (p.done < p.total && performance.now() - last < 1000) return;
    last = performance.now();
    process.stderr.write(`${p.message}, ${formatDuration(p.secondsLeft)} left\n`);
  };
}
