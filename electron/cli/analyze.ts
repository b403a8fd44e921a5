import { AppError } from '../../shared/errors';
import { describeClassifier, type FeatureReport } from '../../shared/feature-report';
import { getLatents } from '../services/latents';
import type { Command } from './command';
import { GENERATOR_FLAGS, GENERATOR_HELP, GENERATOR_USAGE, generatorRef } from './generator-ref';
import { print } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobRequest, jobSchema, OUT_FLAGS, runJob } from './run-job';
import { withProject } from './session';

const ANALYZE = flagsOf(jobSchema('analyze'), ['kind']);
const GENERATE = flagsOf(jobSchema('generate'), ['kind', 'feature', 'value']);

function describeReport(r: FeatureReport): string {
  const lines = [`${r.feature} over ${r.dimensions} dimensions of ${r.generator}: ${r.classes.map((c) => `${c.value} ${c.count}`).join(', ')}`];
  for (const c of r.comparisons) {
    lines.push(`  ${c.value} against ${c.against}: ${c.significant} dimension${c.significant === 1 ? '' : 's'} with q < 0.05; strongest:`);
    for (const d of c.dimensions.slice(0, 5)) {
      const normal = d.normality.map((n) => (n ? (n.p < 0.05 ? 'not normal' : 'normal') : 'too few')).join('/');
      lines.push(
        `    #${d.dimension}\tt ${d.t.toFixed(2)} (${d.chosen}, df ${d.df.toFixed(1)})\tp ${d.p.toExponential(2)}\tq ${d.q.toExponential(2)}\tLevene p ${d.levene.p.toFixed(3)}\t${normal}`,
      );
    }
  }
  lines.push(
    `  LDA: ${r.lda.directions.length} direction${r.lda.directions.length === 1 ? '' : 's'} (${r.lda.explained.map((e) => `${(e * 100).toFixed(0)} %`).join(', ')} of the separation), shrinkage ${r.lda.shrinkage}`,
  );
  lines.push(`  classifier: ${describeClassifier(r.classifier)}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  for (const o of r.requested)
    lines.push(
      `  requested ${r.feature}=${o.requested}: ${o.generated} generated, ${o.answered} answered, ${o.matched} as requested${o.successRate === null ? '' : ` — success rate ${(o.successRate * 100).toFixed(0)} %`}`,
    );
  if (r.invalid) lines.push(`  ${r.invalid} generated face${r.invalid === 1 ? '' : 's'} answered "invalid" (unreadable), left out`);
  return lines.join('\n');
}

export const analyze: Command = {
  name: 'analyze',
  usage: `<project> ${GENERATOR_USAGE} --feature NAME [--shrinkage G] [--out REPORT.json] [--generate VALUE [--count 16] [--multiplier 2] [--start-seed S]]`,
  summary:
    't-tests per latent dimension (normality and equal-variance checks), LDA and its classifier for a labelled feature; faces generated with a requested value, and their success rate',
  options: () => [
    ...GENERATOR_HELP,
    ...helpLines(ANALYZE),
    '  --generate VALUE\n      Generate faces the classifier gives this value of the feature.',
    ...helpLines(GENERATE),
    '  --out FILE\n      Where to write the report (JSON).',
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, [...ANALYZE, ...GENERATE], { ...GENERATOR_FLAGS, ...OUT_FLAGS, generate: { type: 'string' } });
    const usage = `usage: leporello analyze ${this.usage}`;
    if (fields.feature === undefined) throw new AppError('invalid_request', usage);
    await withProject(positionals[0], usage, async (studio, project) => {
      const ref = generatorRef(project, values, usage);
      if (values.generate === undefined) {
        const { report, file } = await runJob(
          studio,
          jobRequest('analyze', { ref, feature: fields.feature, shrinkage: fields.shrinkage }),
          values.out === undefined ? {} : { out: values.out as string, force: values.force === true },
        );
        print(out, report, describeReport(report) + (values.out ? `\nreport in ${file}` : ''));
        return;
      }
      const { count, multiplier, startSeed } = fields;
      const r = await runJob(
        studio,
        jobRequest('generate', {
          ref,
          backend: fields.backend,
          feature: fields.feature,
          value: values.generate,
          count,
          multiplier,
          startSeed: startSeed ?? 100000,
        }),
      );
      const made = getLatents(
        project,
        r.latents.map((l) => l.id),
      );
      print(
        out,
        { ...r, latents: made.map((l) => ({ ...l, vector: Array.from(l.vector) })) },
        `${made.length} latents with ${fields.feature}=${values.generate} from ${r.attempts} drawn (${(r.acceptance * 100).toFixed(1)} % accepted): #${made[0]!.id}–#${made.at(-1)!.id}. Label them (the questionnaire, or "leporello latents … label") and run analyze again for the success rate.`,
      );
    });
  },
};
