import { AppError } from '../../shared/errors';
import { describeAt, progressUnit } from '../../shared/progress';
import { QUALITY_NAMES } from '../../shared/quality';
import { findNetwork } from '../services/networks/network-store';
import { findRun } from '../services/runs/run-store';
import { checkpointByRef, CHECKPOINT_REF_HELP } from './checkpoint-ref';
import type { Command } from './command';
import { print } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobRequest, jobSchema, runJob } from './run-job';
import { withProject } from './session';
import { datasetByRef } from './train';

const FLAGS = flagsOf(jobSchema('metrics'), ['kind', 'metrics']);

export const metrics: Command = {
  name: 'metrics',
  usage: '<project> (--run R [--checkpoint AT | --every] | --network N --dataset D) [--metrics swd,kid,fd,pr,fid,kid-inception] [--samples 256] [--reals N]',
  summary:
    "how close a generator's pictures come to the real portraits: SWD, and KID, FD, precision and recall on face descriptors, true FID and KID with imported Inception weights; recorded per checkpoint",
  options: () => [
    `  --run R\n      A run, by id or name: its latest checkpoint, the one at --checkpoint ${CHECKPOINT_REF_HELP}, or --every one.`,
    '  --network N --dataset D\n      An imported network, against a dataset of its resolution.',
    "  --metrics LIST\n      Which of swd, kid, fd, pr (on face descriptors), fid, kid-inception (once 'leporello inception FILE' imported the weights); all available ones by default.",
    ...helpLines(FLAGS),
  ],
  async run(args, out) {
    const own = {
      run: { type: 'string' },
      checkpoint: { type: 'string' },
      at: { type: 'string' },
      every: { type: 'boolean' },
      network: { type: 'string' },
      dataset: { type: 'string' },
      metrics: { type: 'string' },
    } as const;
    const { positionals, values, fields } = parseOptions(args, FLAGS, own);
    const usage = `usage: leporello metrics ${this.usage}`;
    if ((values.run === undefined) === (values.network === undefined)) throw new AppError('invalid_request', usage);
    const chosen = (values.metrics as string | undefined)?.split(',').map((m) => m.trim());
    await withProject(positionals[0], usage, async (studio, project) => {
      let source;
      let unit: 'epochs' | 'kimg' | null = null;
      if (values.run !== undefined) {
        const run = findRun(project, values.run as string);
        unit = progressUnit(run.options);
        const at = (values.checkpoint ?? values.at) as string | undefined;
        const checkpointId = at !== undefined ? checkpointByRef(project, run, at).id : undefined;
        source = { runId: run.id, ...(checkpointId !== undefined ? { checkpointId } : {}), ...(values.every ? { every: true } : {}) };
      } else {
        if (values.dataset === undefined)
          throw new AppError('invalid_request', `--network needs --dataset D: the portraits to compare its pictures with; ${usage}`);
        source = { networkId: findNetwork(project, values.network as string).id, datasetId: datasetByRef(project, values.dataset as string).id };
      }
      const r = await runJob(studio, jobRequest('metrics', { ...fields, source, ...(chosen ? { metrics: chosen } : {}) }));
      const names = [...new Set(r.measured.flatMap((m) => Object.keys(m.values)))];
      const header = ['checkpoint', ...names.map((n) => QUALITY_NAMES[n]?.label ?? n)].join('\t');
      const rows = r.measured.map((m) =>
        [m.at === null ? 'network' : describeAt(unit!, m.at), ...names.map((n) => m.values[n]?.toFixed(n.startsWith('kid') ? 5 : 3) ?? '—')].join('\t'),
      );
      print(
        out,
        r,
        [header, ...rows, `${r.samples} generated pictures against ${r.reals} real portraits, ${r.seconds.toFixed(1)} s on ${r.backend}`].join('\n'),
      );
    });
  },
};
