import { SAMPLE_COLLECTION, SAMPLE_RUN, createSampleProject } from '../services/projects/sample-project';
import type { Command } from './command';
import { followRun } from './follow-run';
import { parseOptions } from './options';
import { newStudio } from './session';

export const trySample: Command = {
  name: 'try-sample',
  usage: '',
  summary:
    'make the sample project in the projects folder: 64 archival portraits shipped with the studio, imported with their catalogue and curated, and a small DCGAN trained on them (about a minute on two cores); Ctrl-C stops it',
  async run(args, out) {
    parseOptions(args, []);
    const studio = newStudio();
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    const started = Date.now();
    let last = '';
    try {
      const { project, run } = await createSampleProject(studio, {
        signal: controller.signal,
        onStep: (s) => {
          if (s.step === last) return;
          last = s.step;
          process.stderr.write(`${s.message}…\n`);
        },
      });
      process.off('SIGINT', stop);
      process.stderr.write(`training "${run.run.name}" (${SAMPLE_RUN.epochs} epochs at 32 px)…\n`);
      await followRun(studio, run, out);
      if (!out.json)
        process.stdout.write(
          `\nThe sample project is ready, in ${((Date.now() - started) / 1000).toFixed(0)} s: ${project.path}\n` +
            `  leporello timeline "${project.path}" --run ${SAMPLE_RUN.name} --out timeline.png\n` +
            `  leporello export leporello "${project.path}" --run ${SAMPLE_RUN.name} --recto ${SAMPLE_COLLECTION} --out book.pdf\n` +
            'or open it in the studio (npm start).\n',
        );
    } finally {
      process.off('SIGINT', stop);
      await studio.closeProject();
    }
  },
};
