// What the quick quality measurement at every checkpoint costs a run: `leporello train` (DCGAN at
// 64 px on the 600 archival portraits, batch 64, a checkpoint every epoch — the closest spacing a
// curator would choose), then from the run's own records each checkpoint's measuring time
// (Timing/quality_s) against the training time since the checkpoint before. The target: under
// 10 % of the time between checkpoints.
//   node --import tsx bench/quick-quality.ts [--backend wasm] [--epochs 4] [--resolution 64]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { spread } from './common';
import { leporelloCli } from './leporello-cli';

const { values } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, epochs: { type: 'string', default: '4' }, resolution: { type: 'string', default: '64' } },
});
const cli = leporelloCli('quick');

try {
  const { project, dataset } = cli.portraitProject(Number(values.resolution));
  cli.trainDcgan(project, dataset.name, '--epochs', values.epochs, '--checkpoint-every', '1', '--backend', values.backend, '--name', 'q');
  const db = new BetterSqlite3(join(project, 'leporello.sqlite'), { readonly: true });
  const series = (name: string) =>
    db.prepare("SELECT m.step, m.value FROM run_metrics m JOIN runs r ON r.id = m.run_id WHERE r.name = 'q' AND m.name = ? ORDER BY m.step").all(name) as {
      step: number;
      value: number;
    }[];
  const measuring = series('Timing/quality_s');
  const steps = series('Timing/step_s');
  // Training time between two checkpoints: the steps taken after one and up to the next.
  const rows = measuring.slice(1).map((m, i) => {
    const from = measuring[i]!.step;
    const between = steps.filter((s) => s.step > from && s.step <= m.step).reduce((sum, s) => sum + s.value, 0);
    return { step: m.step, quality: m.value, between, share: m.value / between };
  });
  db.close();
  console.log(
    `\nQuick quality at every checkpoint: DCGAN-${values.resolution}, batch 64, the 600 archival portraits, a checkpoint every epoch, ${values.backend}; Node ${process.version}\n`,
  );
  console.log('| checkpoint after step | measuring (s) | training since the one before (s) | share |');
  console.log('|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.step} | ${r.quality.toFixed(2)} | ${r.between.toFixed(1)} | ${(r.share * 100).toFixed(1)} % |`);
  console.log(
    `\nthe start's measurement (untrained, step 0): ${measuring[0]?.value.toFixed(2)} s; mean share ${spread(rows.map((r) => r.share * 100))} % (mean, min–max over checkpoints) — target under 10 %`,
  );
} finally {
  cli.remove();
}
