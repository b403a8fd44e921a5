// The style tools' generator as the studio asks for it: one engine process per generator, kept
// while it is used; seeds drawn at a truncation match the generator computed here; ψ 0 gives
// every seed the average face; the style-mixing figure is laid out as NVIDIA's and mixes only
// the chosen layers; a path in W runs straight between two faces' W, one in Z along the great circle.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { contract } from '../../shared/contract';
import { EventBus } from '../../electron/api/event-bus';
import { selectBackend } from '../../electron/engine/backends';
import { seedLatents, StyleSampler } from '../../electron/engine/style-sampler';
import { GeneratorSessions, namedStyles } from '../../electron/services/networks/generator-sessions';
import { importNetwork, loadNetwork } from '../../electron/services/networks/network-store';
import { forkNodeEngine, type EngineLauncher } from '../../electron/services/engine-host/engine-launcher';
import { Studio } from '../../electron/services/studio';
import { sharedData, tempDir } from '../helpers';

const fixture = join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl');

async function pixels(file: string) {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** One cell of a figure of r × r cells. */
function cell(img: { data: Buffer; width: number; channels: number }, col: number, row: number, r: number): Uint8Array {
  const out = new Uint8Array(r * r * img.channels);
  for (let y = 0; y < r; y++)
    out.set(
      img.data.subarray(((row * r + y) * img.width + col * r) * img.channels, ((row * r + y) * img.width + (col + 1) * r) * img.channels),
      y * r * img.channels,
    );
  return out;
}

const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

test('seeds, truncation, style mixing and paths in W and Z from an imported network, in one engine process', async (t) => {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('Styles');
  const project = studio.requireProject();
  const network = await importNetwork(project, fixture);
  let launches = 0;
  const counting: EngineLauncher = () => (launches++, forkNodeEngine());
  const sessions = new GeneratorSessions(project, counting);
  t.after(() => sessions.close());

  const [source] = sessions.sources();
  assert.deepEqual([source!.label, source!.resolution, source!.numWs, source!.cDim], ['sg2-tiny-32', 32, 8, 0]);
  assert.match(source!.license!, /non-commercial/);

  const drawn = await sessions.seeds(contract['generate.seeds'].request.parse({ source: { networkId: network.id }, seeds: [3, 5], psi: 0.7 }));
  assert.deepEqual(
    drawn.images.map((i) => i.path),
    ['renders/generated/sg2-tiny-32/psi0.70-seed0003.png', 'renders/generated/sg2-tiny-32/psi0.70-seed0005.png'],
  );
  // The same generator computed in this process: the engine's pictures are those images (±1 level for backend rounding).
  await selectBackend('cpu');
  const { config, weights } = await loadNetwork(project, network.id);
  const local = new StyleSampler(config, weights.G_ema);
  t.after(() => local.dispose());
  const expected = await local.generate(seedLatents([3, 5], 64), { psi: 0.7 });
  for (const [i, image] of drawn.images.entries()) {
    const png = await pixels(join(project.dir, image.path));
    assert.deepEqual([png.width, png.height, png.channels], [32, 32, 3]);
    assert.ok(maxDiff(png.data, expected.images[i]!) <= 1, `seed ${image.seed}`);
  }

  // ψ 0: every seed is the average face.
  const average = await sessions.seeds(contract['generate.seeds'].request.parse({ source: { networkId: network.id }, seeds: [1, 2], psi: 0 }));
  const [a, b] = await Promise.all(average.images.map((i) => pixels(join(project.dir, i.path))));
  assert.equal(maxDiff(a!.data, b!.data), 0);
  assert.ok(maxDiff(a!.data, (await pixels(join(project.dir, drawn.images[0]!.path))).data) > 10, 'and differs from a truncated face');

  // The figure: columns on top, rows down the left, a blank corner; taking every style from the column draws the column's face.
  const rows = [7, 8];
  const cols = [9, 10, 11];
  const all = await sessions.styleMix(
    contract['generate.styleMix'].request.parse({ source: { networkId: network.id }, rowSeeds: rows, colSeeds: cols, styles: [0, 1, 2, 3, 4, 5, 6, 7] }),
  );
  assert.deepEqual([all.width, all.height, all.styles.length], [4 * 32, 3 * 32, 8]);
  const figure = await pixels(join(project.dir, all.path));
  assert.ok(
    cell(figure, 0, 0, 32).every((v) => v === 255),
    'a blank corner',
  );
  for (let j = 0; j < cols.length; j++) assert.equal(maxDiff(cell(figure, j + 1, 2, 32), cell(figure, j + 1, 0, 32)), 0, `column ${j}`);
  const coarse = await sessions.styleMix(
    contract['generate.styleMix'].request.parse({ source: { networkId: network.id }, rowSeeds: rows, colSeeds: cols, styles: 'coarse' }),
  );
  assert.deepEqual(coarse.styles, [0, 1, 2, 3]);
  const mixed = await pixels(join(project.dir, coarse.path));
  const m = cell(mixed, 1, 1, 32);
  assert.ok(maxDiff(m, cell(mixed, 1, 0, 32)) > 10 && maxDiff(m, cell(mixed, 0, 1, 32)) > 10, 'a coarse mix is neither parent');
  await assert.rejects(
    sessions.styleMix(contract['generate.styleMix'].request.parse({ source: { networkId: network.id }, rowSeeds: rows, colSeeds: cols, styles: 'fine' })),
    /this generator has no fine styles: its 8 style layers are all coarser/,
  );
  // A path from seed 3 to seed 5 in W: its ends are those faces, its middle the face of the mean W; in Z (slerp) the middle differs.
  const inW = await sessions.interpolate(
    contract['generate.interpolate'].request.parse({ source: { networkId: network.id }, fromSeed: 3, toSeed: 5, steps: 5, psi: 0.7 }),
  );
  assert.deepEqual([inW.width, inW.height, inW.steps], [5 * 32, 32, 5]);
  const strip = await pixels(join(project.dir, inW.path));
  assert.ok(maxDiff(cell(strip, 0, 0, 32), expected.images[0]!) <= 1 && maxDiff(cell(strip, 4, 0, 32), expected.images[1]!) <= 1, 'the ends are the seeds');
  const ends = local.ws(seedLatents([3, 5], 64), { psi: 0.7 });
  const meanW = ends.mean(0, true) as typeof ends;
  const middle = await local.fromWs(meanW);
  assert.ok(maxDiff(cell(strip, 2, 0, 32), middle.images[0]!) <= 1, 'the middle is the mean W');
  const inZ = await pixels(
    join(
      project.dir,
      (
        await sessions.interpolate(
          contract['generate.interpolate'].request.parse({ source: { networkId: network.id }, fromSeed: 3, toSeed: 5, steps: 5, psi: 0.7, space: 'z' }),
        )
      ).path,
    ),
  );
  assert.ok(
    maxDiff(cell(inZ, 0, 0, 32), cell(strip, 0, 0, 32)) <= 1 && maxDiff(cell(inZ, 2, 0, 32), cell(strip, 2, 0, 32)) > 5,
    'Z shares the ends, not the middle',
  );
  assert.equal(launches, 1, 'one engine process served every request');
  assert.deepEqual(namedStyles('fine', 18), [8, 9, 10, 11, 12, 13, 14, 15, 16, 17], "1024 px: the paper's fine styles");

  // Closing the project ends the generator's process; the next request starts another.
  sessions.close();
  await sessions.seeds(contract['generate.seeds'].request.parse({ source: { networkId: network.id }, seeds: [0], psi: 1 }));
  assert.equal(launches, 2);
  assert.ok(existsSync(join(project.dir, 'renders/generated/sg2-tiny-32/psi1.00-seed0000.png')));
});
