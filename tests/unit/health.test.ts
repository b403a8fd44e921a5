import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { imageFeatures } from '../../electron/engine/metrics/features';
import { lossSignature } from '../../electron/engine/metrics/loss-signature';
import { assessHealth, collapseOnset } from '../../electron/engine/metrics/registry';
import { adviceFor, type Verdict } from '../../shared/health';
import { buildDcgan } from '../../electron/engine/models/dcgan';
import { Rng } from '../../electron/engine/nn/rng';
import { smallPortraits } from '../helpers';

let portraits: Uint8Array[] = [];
before(async () => {
  await selectBackend('cpu');
  const files = readdirSync(smallPortraits).sort();
  portraits = await Promise.all(
    files.map(async (f) => new Uint8Array(await sharp(join(smallPortraits, f)).resize(32, 32, { fit: 'cover' }).toColourspace('srgb').raw().toBuffer())),
  );
});

const features = (images: Uint8Array[]) => imageFeatures(images, 32, 3);

test('real portraits scored as if they were samples: healthy, diverse, no duplicates', () => {
  const report = assessHealth({ samples: features(portraits.slice(0, 12)), reals: features(portraits.slice(12)) });
  assert.equal(report.verdict, 'healthy', report.reasons.join('; '));
  assert.ok(report.metrics.diversity! > 0.8 && report.metrics.diversity! < 1.25, `diversity ${report.metrics.diversity}`);
  assert.ok(report.metrics.largest_duplicate_cluster! <= 2 / 12);
  assert.ok(report.metrics.nearest_training_ratio! > 0.5);
});

test('a generator that ignores its latent draws one face: collapsed, with the reasons', async () => {
  const model = buildDcgan({ resolution: 32, channels: 3, zDim: 16, width: 8, maxChannels: 64 }, new Rng(4));
  // Cut the latent off: every z now gives the same image, the purest mode collapse.
  const w = model.params.get('G/in/w');
  w.assign(tf.zerosLike(w));
  const z = model.sampleLatents(16, new Rng(9));
  const images = tf.tidy(() => tf.cast(tf.mul(tf.add(model.generate(z, false), 1), 127.5), 'int32'));
  const data = Uint8Array.from(await images.data());
  const samples = Array.from({ length: 16 }, (_, i) => data.slice(i * 3072, (i + 1) * 3072));
  tf.dispose([z, images]);
  model.params.dispose();
  const report = assessHealth({ samples: features(samples), reals: features(portraits) });
  assert.equal(report.verdict, 'collapsing');
  assert.ok(report.metrics.diversity! < 0.05);
  assert.equal(report.metrics.largest_duplicate_cluster, 1);
  assert.match(report.reasons.join('\n'), /samples keep 0 % of the real portraits' diversity/);
  assert.match(report.reasons.join('\n'), /100 % of the samples are near-duplicates/);
});

test('partial collapse: most samples one face, a few others', () => {
  const samples = [...Array.from({ length: 9 }, () => portraits[3]!), portraits[5]!, portraits[7]!, portraits[9]!];
  const report = assessHealth({ samples: features(samples), reals: features(portraits.slice(12)) });
  assert.equal(report.verdict, 'collapsing');
  assert.equal(report.metrics.largest_duplicate_cluster, 9 / 12);
});

test('samples that copy training portraits are flagged as memorisation, not as collapse', () => {
  const report = assessHealth({ samples: features(portraits.slice(0, 12)), reals: features(portraits) });
  assert.equal(report.verdict, 'healthy');
  assert.equal(report.metrics.nearest_training_ratio, 0);
  assert.match(report.reasons.join(), /memorisation\): 0\.00×: closer to a training portrait than real portraits ever come to each other — a copy/);
});

test('the loss signature: D near zero while G climbs', () => {
  const input = (d: number[], g: number[], gBefore: number[]) => ({ samples: [], reals: [], losses: { recent: { d, g }, before: { d: [0.7], g: gBefore } } });
  assert.equal(lossSignature.measure(input([0.01, 0.02], [7, 9], [2, 3])), 1);
  assert.equal(lossSignature.measure(input([0.6, 0.7], [1.2, 1.4], [1, 1])), 0);
  assert.equal(lossSignature.measure(input([0.01, 0.01], [7, 6], [9, 9])), 0, 'G falling again is no signature');
});

test('the onset is the first checkpoint of the latest collapsing stretch', () => {
  const v = (epoch: number, verdict: Verdict) => ({ epoch, imagesSeen: epoch * 600, verdict });
  assert.deepEqual(collapseOnset([v(0, 'untrained'), v(2, 'collapsing'), v(4, 'healthy'), v(8, 'collapsing'), v(6, 'collapsing')]), v(6, 'collapsing'));
  assert.equal(collapseOnset([v(0, 'untrained'), v(2, 'collapsing'), v(4, 'learning')]), null);
});

test('before the first step the verdict is untrained: an untrained generator draws uniform grey, which is no collapse', () => {
  const grey = Array.from({ length: 8 }, () => new Uint8Array(3072).fill(128));
  const judged = assessHealth({ samples: features(grey), reals: features(portraits) });
  assert.equal(judged.verdict, 'collapsing');
  const untrained = assessHealth({ samples: features(grey), reals: features(portraits), untrained: true });
  assert.equal(untrained.verdict, 'untrained');
  assert.deepEqual(untrained.reasons, ['untrained: the generator has not taken a step; what it draws is where it starts']);
  assert.deepEqual(adviceFor('untrained'), ['Start or resume the run: nothing has been learned yet.']);
});

test('still learning: samples never yet diverse are no collapse; diverse ones are judged as ever', async () => {
  // What an early generator draws: the average face, slightly different each time.
  const mean = new Uint8Array(3072).map((_, k) => portraits.reduce((a, p) => a + p[k]!, 0) / portraits.length);
  const blurred = Array.from({ length: 8 }, (_, i) => mean.map((v, k) => Math.min(255, v + ((k * 7 + i * 13) % 5))));
  const learning = assessHealth({ samples: features(blurred), reals: features(portraits), stillLearning: true });
  assert.equal(learning.verdict, 'learning');
  assert.match(learning.reasons[0]!, /^still learning: the samples are not yet diverse \(\d+ % of the real portraits' diversity; 35 % counts as diverse\)$/);
  assert.equal(assessHealth({ samples: features(blurred), reals: features(portraits) }).verdict, 'collapsing');
  // A collapse that begins early: the same blur, but down from the diversity the run had a checkpoint ago.
  const fell = assessHealth({ samples: features(blurred), reals: features(portraits), stillLearning: true, best: { diversity: 0.3, precision: 0, recall: 0 } });
  assert.equal(fell.verdict, 'collapsing');
  assert.match(fell.reasons[0]!, /^the samples' diversity fell to \d+ % of the real portraits', from 30 %$/);
  // The grace covers low diversity only: diverse samples that copy training portraits are still noted.
  const copies = assessHealth({ samples: features(portraits.slice(0, 12)), reals: features(portraits), stillLearning: true });
  assert.match(copies.reasons.join(), /memorisation/);
});

test('learning until the samples look like portraits; healthy once they do; failed when they turn to noise after', () => {
  const real = features(portraits.slice(12));
  const diverse = features(portraits.slice(0, 12));
  const learning = assessHealth({ samples: diverse, reals: real, quality: { precision: 0.2, recall: 0.05 } });
  assert.equal(learning.verdict, 'learning');
  assert.deepEqual(learning.reasons, ['still learning: 20 % of the samples look like a portrait yet (precision; healthy from 50 %)']);
  assert.equal(assessHealth({ samples: diverse, reals: real, quality: { precision: 0.8, recall: 0.4 } }).verdict, 'healthy');
  // Colour noise, as a diverged generator draws it: diverse, but nothing like a photograph.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  const noise = features(Array.from({ length: 12 }, () => Uint8Array.from({ length: 3072 }, rand)));
  const diverged = assessHealth({ samples: noise, reals: real, quality: { precision: 0, recall: 0 }, best: { diversity: 0.9, precision: 0.85, recall: 0.4 } });
  assert.ok(diverged.metrics.smoothness! < 0.3, `noise smoothness ${diverged.metrics.smoothness}`);
  assert.ok(assessHealth({ samples: diverse, reals: real }).metrics.smoothness! > 0.7, 'portraits are as smooth as portraits');
  assert.equal(diverged.verdict, 'failed');
  assert.match(diverged.reasons[0]!, /^the samples turned to noise: 0 % look like a portrait, down from 85 %, .* training diverged$/);
  // The same noise from a run that never drew portraits is a run still learning, not one that failed.
  assert.equal(assessHealth({ samples: noise, reals: real, quality: { precision: 0, recall: 0 } }).verdict, 'learning');
  const nan = assessHealth({ samples: diverse, reals: real, losses: { recent: { d: [0.5, Number.NaN], g: [1] }, before: { d: [], g: [] } } });
  assert.equal(nan.verdict, 'failed');
});
