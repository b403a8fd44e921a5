import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../shared/progress';
import { asAppError, EngineClient } from '../services/engine-host/engine-client';
import { findRun, listCheckpoints } from '../services/runs/run-store';
import type { Command } from './command';
import { print, progressLines } from './output';
import { parseOptions } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

export const sample: Command = {
  name: 'sample',
  usage: '<project> --run R [--at EPOCH|KIMG] --count N [--seed S] --out DIR',
  summary: "draw new images from a run's generator as PNGs (computed in an engine process)",
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], {
      run: { type: 'string' },
      at: { type: 'string' },
      checkpoint: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      ...OUT_FLAGS,
    });
    const count = Number(values.count);
    if (!positionals[0] || !values.run || !values.out || !Number.isInteger(count) || count < 1 || count > 10_000) {
      throw new AppError('invalid_request', 'sample needs a project, --run R, --count N (1–10000) and --out DIR');
    }
    const at = (values.at ?? values.checkpoint) as string | undefined;
    await withProject(positionals[0], '', async (studio, project) => {
      const run = findRun(project, values.run as string);
      const checkpoints = listCheckpoints(project, run.id);
      const unit = progressUnit(run.options);
      const chosen = at === undefined ? checkpoints.at(-1) : checkpoints.find((c) => checkpointAt(unit, c) === Number(at));
      if (!chosen) {
        const wanted = at === undefined ? '' : ` at ${describeAt(unit, Number(at))}`;
        throw new AppError(
          'not_found',
          `run "${run.name}" has no checkpoint${wanted}; its checkpoints (${unit}): ${checkpoints.map((c) => checkpointAt(unit, c)).join(', ') || 'none'}`,
        );
      }
      const where = describeAt(unit, checkpointAt(unit, chosen));
      const seed = values.seed === undefined ? 1 : Number(values.seed);
      const dir = resolve(values.out as string);
      const stem = `${run.name}-${where.replace(' ', '')}-seed${seed}`;
      refuseExisting(
        Array.from({ length: count }, (_, i) => join(dir, `${stem}-${String(i + 1).padStart(4, '0')}.png`)),
        values.force,
      );
      await mkdir(dir, { recursive: true });
      const engine = new EngineClient(studio.launchEngine);
      try {
        const { files } = await engine
          .run(
            'sample-checkpoint',
            { file: join(project.dir, chosen.path), sha256: chosen.sha256, count, seed, outDir: dir, stem },
            { onProgress: progressLines() },
          )
          .catch((err: unknown) => {
            throw asAppError(err);
          });
        print(out, { run: run.id, epoch: chosen.epoch, kimg: chosen.kimg, seed, files }, `${files.length} images from "${run.name}" at ${where} in ${dir}`);
      } finally {
        await engine.close();
      }
    });
  },
};
