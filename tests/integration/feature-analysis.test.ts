// The feature analysis end to end through the CLI on the imported sg2-tiny-32 StyleGAN2. The
// "curator" here is a rule a test can apply to a face: is it brighter than the median of the
// first sample? Faces are labelled by it, analysed (t-tests, LDA, cross-validated classifier, a
// JSON report), faces are generated with the requested value, labelled by the same rule, and the
// success rate the analysis then reports is the one measured on those fresh faces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runCli, sharedData, tempDir } from '../helpers';

test('analyze: t-tests and LDA on labelled faces, a JSON report, generation with a requested feature and its measured success rate', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  assert.equal(cli('project', 'create', project).code, 0);
  assert.equal(cli('import-network', project, join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl')).code, 0);
  const latents = (...args: string[]) => {
    const r = cli('latents', project, '--network', 'sg2-tiny-32', '--backend', 'wasm', ...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json();
  };
  /** Mean brightness of each face, drawn by the generator. */
  const brightness = async (ids: number[]) => {
    const strip = join(base, 'strip.png');
    // The same strip each time: --force replaces it (--out never does by itself).
    latents('draw', ids.join(','), '--out', strip, '--force');
    const { data, info } = await sharp(strip).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return ids.map((_, k) => {
      let sum = 0;
      for (let y = 0; y < 32; y++) for (let x = k * 32; x < (k + 1) * 32; x++) for (let c = 0; c < 3; c++) sum += data[(y * info.width + x) * 3 + c]!;
      return sum / (32 * 32 * 3);
    });
  };

  const sample = latents('seeds', '1-60').map((l: { id: number }) => l.id);
  const light = await brightness(sample);
  const median = [...light].sort((a, b) => a - b)[30]!;
  const label = (ids: number[], values: number[]) => {
    const bright = ids.filter((_, i) => values[i]! >= median);
    const dark = ids.filter((_, i) => values[i]! < median);
    if (bright.length) latents('label', bright.join(','), 'bright=yes');
    if (dark.length) latents('label', dark.join(','), 'bright=no');
    return bright.length;
  };
  label(sample.slice(1), light.slice(1));
  latents('label', String(sample[0]), 'bright=invalid');

  const reportFile = join(base, 'bright.json');
  const analysed = cli('analyze', project, '--network', 'sg2-tiny-32', '--feature', 'bright', '--out', reportFile, '--json');
  assert.equal(analysed.code, 0, analysed.stderr);
  const report = analysed.json();
  assert.deepEqual(
    report.classes.map((c: { value: string }) => c.value),
    ['no', 'yes'],
    '"invalid" is left out',
  );
  assert.equal(
    report.classes.reduce((n: number, c: { count: number }) => n + c.count, 0),
    59,
  );
  assert.equal(report.dimensions, 64);
  const [comparison] = report.comparisons;
  assert.equal(comparison.dimensions.length, 64);
  assert.ok(comparison.dimensions[0].p <= comparison.dimensions[63].p, 'most significant first');
  assert.ok(comparison.significant >= 1, 'brightness shows in some dimensions of W');
  assert.equal(report.lda.directions.length, 1);
  assert.equal(report.lda.projections.length, 59);
  // Along the LDA direction the bright faces lie on one side of the dark ones.
  const along = (v: string) => report.lda.projections.filter((p: { value: string }) => p.value === v).map((p: { position: number[] }) => p.position[0]);
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(meanOf(along('yes')) - meanOf(along('no'))) > 1, 'the classes separate along the direction');
  assert.ok(report.classifier.accuracy > 0.6, `held-out accuracy ${report.classifier.accuracy}`);
  assert.equal(report.classifier.beatsChance, true, `p ${report.classifier.p} against chance ${report.classifier.chance}`);
  // Held out, each face placed by a model that never saw it, the classes still lie apart.
  const heldOut = (v: string) => report.lda.projections.filter((p: { value: string }) => p.value === v).map((p: { heldOut: number[] }) => p.heldOut[0]);
  assert.equal(Math.sign(meanOf(heldOut('yes')) - meanOf(heldOut('no'))), Math.sign(meanOf(along('yes')) - meanOf(along('no'))));
  assert.deepEqual(JSON.parse(readFileSync(reportFile, 'utf8')).classes, report.classes, 'the JSON report');

  // Faces requested bright, then "labelled" by the same rule: the measured success rate.
  const generated = cli(
    'analyze',
    project,
    '--network',
    'sg2-tiny-32',
    '--backend',
    'wasm',
    '--feature',
    'bright',
    '--generate',
    'yes',
    '--count',
    '12',
    '--multiplier',
    '3',
    '--json',
  );
  assert.equal(generated.code, 0, generated.stderr);
  const made = generated.json();
  assert.equal(made.latents.length, 12);
  assert.ok(made.attempts >= 12 && made.acceptance <= 1);
  assert.ok(
    made.latents.every(
      (l: { detail: { requested: { key: string; value: string }; probability: number } }) => l.detail.requested.value === 'yes' && l.detail.probability >= 0.75,
    ),
    'p ≥ 3 × (1 − p)',
  );
  const ids = made.latents.map((l: { id: number }) => l.id);
  const matched = label(ids, await brightness(ids));
  const analysedAgain = cli('analyze', project, '--network', 'sg2-tiny-32', '--feature', 'bright', '--json');
  assert.equal(analysedAgain.code, 0, analysedAgain.stderr);
  const after = analysedAgain.json();
  const [outcome] = after.requested;
  assert.deepEqual([outcome.requested, outcome.generated, outcome.answered, outcome.matched], ['yes', 12, 12, matched]);
  assert.equal(outcome.successRate, matched / 12);
  assert.ok(outcome.successRate > 0.5, `requested faces are bright more often than chance (${outcome.successRate})`);

  // Answers that say nothing about the faces (every other seed "heads"): the report says so, and refuses to generate.
  latents('label', sample.filter((_: number, i: number) => i % 2 === 0).join(','), 'coin=heads');
  latents('label', sample.filter((_: number, i: number) => i % 2 === 1).join(','), 'coin=tails');
  const coin = cli('analyze', project, '--network', 'sg2-tiny-32', '--feature', 'coin');
  assert.equal(coin.code, 0, coin.stderr);
  assert.match(
    coin.stdout,
    /classifier: \d+ % right on held-out faces \(5-fold\), where guessing the commonest answer gets 50 %: no better than chance \(p = /,
  );
  assert.match(coin.stdout, /warning: 64 dimensions and 60 answers: with more dimensions than answers, the fitted projection separates any labels/);
  const refused = cli('analyze', project, '--network', 'sg2-tiny-32', '--backend', 'wasm', '--feature', 'coin', '--generate', 'heads');
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /faces with coin=heads cannot be generated yet: the classifier is \d+ % right .*no better than chance .*Answer more faces in the questionnaire/,
  );

  const none = cli('analyze', project, '--network', 'sg2-tiny-32', '--feature', 'glasses');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /the feature "glasses" has no answers among network:1's latents: label generated faces/);
  const unknown = cli('analyze', project, '--network', 'sg2-tiny-32', '--feature', 'bright', '--generate', 'maybe');
  assert.match(unknown.stderr, /"maybe" is not a value of bright; its values are no, yes/);
});
