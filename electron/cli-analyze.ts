// `leporello analyze`: the feature analysis of a generator's labelled latents as a table and a
// JSON report, and generation of faces with a requested value of the feature.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../shared/errors';
import type { Out } from './cli';
import { describeGenerator, GENERATOR_OPTIONS, openGenerator } from './cli-latents';
import { generatorRef, withProject, type CliHelpers } from './cli-networks';
import type { FeatureReport } from '../shared/feature-report';
import { analyzeFeature, generateWithFeature } from './services/feature-analysis';
import { atomicWrite } from './formats/atomic-write';

function describeReport(r: FeatureReport): string {
  const lines = [`${r.feature} over ${r.dimensions} dimensions of ${r.generator}: ${r.classes.map((c) => `${c.value} ${c.count}`).join(', ')}`];
  for (const c of r.comparisons) {
    lines.push(`  ${c.value} against ${c.against}: ${c.significant} dimension${c.significant === 1 ? '' : 's'} with q < 0.05; strongest:`);
    for (const d of c.dimensions.slice(0, 5)) {
      const normal = d.normality.map((n) => (n ? (n.p < 0.05 ? 'not normal' : 'normal') : 'too few')).join('/');
      lines.push(`    #${d.dimension}\tt ${d.t.toFixed(2)} (${d.chosen}, df ${d.df.toFixed(1)})\tp ${d.p.toExponential(2)}\tq ${d.q.toExponential(2)}\tLevene p ${d.levene.p.toFixed(3)}\t${normal}`);
    }
  }
  lines.push(`  LDA: ${r.lda.directions.length} direction${r.lda.directions.length === 1 ? '' : 's'} (${r.lda.explained.map((e) => `${(e * 100).toFixed(0)} %`).join(', ')} of the separation), shrinkage ${r.lda.shrinkage}`);
  lines.push(`  classifier: ${r.classifier.accuracy === null ? 'too few faces to cross-validate' : `${(r.classifier.accuracy * 100).toFixed(0)} % right on held-out faces (${r.classifier.folds}-fold)`}`);
  for (const o of r.requested) lines.push(`  requested ${r.feature}=${o.requested}: ${o.generated} generated, ${o.answered} answered, ${o.matched} as requested${o.successRate === null ? '' : ` — success rate ${(o.successRate * 100).toFixed(0)} %`}`);
  if (r.invalid) lines.push(`  ${r.invalid} generated face${r.invalid === 1 ? '' : 's'} answered "invalid" (unreadable), left out`);
  return lines.join('\n');
}

export async function analyzeCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...GENERATOR_OPTIONS, feature: { type: 'string' }, shrinkage: { type: 'string' }, out: { type: 'string' }, generate: { type: 'string' }, count: { type: 'string' }, multiplier: { type: 'string' }, 'start-seed': { type: 'string' } },
  });
  const usage =
    'usage: leporello analyze <project> (--network N | --run R [--at KIMG]) --feature NAME [--shrinkage 0–1] [--out REPORT.json]\n' +
    '  [--generate VALUE [--count 16] [--multiplier 2] [--start-seed 100000]] [--json]';
  if (!values.feature) throw new AppError('invalid_request', usage);
  const shrinkage = values.shrinkage === undefined ? undefined : Number(values.shrinkage);
  if (shrinkage !== undefined && !(shrinkage >= 0 && shrinkage < 1)) throw new AppError('invalid_request', '--shrinkage is from 0 (none) to below 1');
  await withProject(cli, positionals[0], usage, async (studio) => {
    const project = studio.requireProject();
    const { key } = describeGenerator(project, generatorRef(project, values, usage));
    const report = analyzeFeature(project, key, values.feature!, shrinkage);
    if (values.out) await atomicWrite(resolve(values.out), JSON.stringify(report, null, 1));
    if (!values.generate) {
      cli.print(out, report, describeReport(report) + (values.out ? `\nreport in ${resolve(values.out)}` : ''));
      return;
    }
    const count = Number(values.count ?? 16);
    const multiplier = Number(values.multiplier ?? 2);
    const startSeed = Number(values['start-seed'] ?? 100000);
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new AppError('invalid_request', '--count is a whole number of faces from 1 to 1000');
    if (!(multiplier >= 1)) throw new AppError('invalid_request', "--multiplier is how many times the requested value's probability must exceed every other's: 1 or more");
    if (!Number.isInteger(startSeed) || startSeed < 0) throw new AppError('invalid_request', '--start-seed is a whole number, 0 or more');
    const open = await openGenerator(project, values, usage);
    try {
      const result = await generateWithFeature(project, { key, space: open.generator.space, fromSeeds: (s) => open.generator.fromSeeds(s) }, report, { value: values.generate, count, multiplier, startSeed, maxAttempts: count * 200 });
      cli.print(
        out,
        { ...result, latents: result.latents.map((l) => ({ ...l, vector: Array.from(l.vector) })), report: values.out ? resolve(values.out) : undefined },
        `${result.latents.length} latents with ${values.feature}=${values.generate} (probability ≥ ${multiplier}× the others) from ${result.attempts} drawn (${(result.acceptance * 100).toFixed(1)} % accepted): #${result.latents[0]!.id}–#${result.latents.at(-1)!.id}. Label them (the questionnaire, or "leporello latents … label") and run analyze again for the success rate.`,
      );
    } finally {
      open.generator.dispose();
    }
  });
}
