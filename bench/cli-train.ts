// DCGAN-64 training through the command line, as a curator runs it: `leporello train` on the 600
// archival portraits at 64 px, batch 64, checkpoints and witnesses every epoch — timed as the
// difference of a 3-epoch and a 1-epoch run (start-up, the first epoch's warm-up and the backend
// probe cancel out), three times. Compare with bench/train.ts's training figure for the same
// backend: the loop, data loading, checkpoints and witnesses should cost little beside the steps.
//   node --import tsx bench/cli-train.ts [--backend auto] [--repeats 3]
import { parseArgs } from 'node:util';
import { mean, spread } from './common';
import { leporelloCli } from './leporello-cli';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, repeats: { type: 'string', default: '3' } } });
const cli = leporelloCli('cli');

try {
  const { project, dataset } = cli.portraitProject(64);
  const rates: number[] = [];
  let detail = '';
  for (let r = 0; r < Number(values.repeats); r++) {
    const run = (epochs: number) => cli.trainDcgan(project, dataset.name, '--epochs', String(epochs), '--backend', values.backend, '--seed', String(r + 1));
    const one = run(1);
    const three = run(3);
    type Summary = { backendDetail: string | null; lastCheckpoint: { imagesSeen: number } | null };
    const [a, b] = [one.json as Summary, three.json as Summary];
    detail = b.backendDetail ?? detail;
    const images = (b.lastCheckpoint?.imagesSeen ?? 0) - (a.lastCheckpoint?.imagesSeen ?? 0);
    rates.push(images / (three.seconds - one.seconds));
  }
  console.log(
    `\nleporello train, DCGAN-64, batch 64, the 600 archival portraits at 64 px, checkpoints and witnesses every epoch; (3 epochs − 1 epoch) / time difference, ${values.repeats} repetitions; Node ${process.version}\n`,
  );
  console.log('| backend | train img/s (mean, min–max) |');
  console.log('|---|---:|');
  console.log(`| ${detail || values.backend} | ${spread(rates)} |`);
  console.log(`\nmean ${mean(rates).toFixed(1)} img/s`);
} finally {
  cli.remove();
}
