import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { hammingDistance, phashOf } from '../../electron/formats/faces/phash';
import { smallPortraits } from '../helpers';

test('a recompressed, resized copy hashes close to its original; other portraits do not', async () => {
  const files = readdirSync(smallPortraits)
    .sort()
    .slice(0, 6)
    .map((f) => readFileSync(join(smallPortraits, f)));
  const hashes = await Promise.all(files.map((f) => phashOf(sharp(f))));
  for (const h of hashes) assert.match(h, /^[0-9a-f]{16}$/);
  const copy = await sharp(files[0]!).resize(120).jpeg({ quality: 40 }).toBuffer();
  const copyHash = await phashOf(sharp(copy));
  const nearest = hammingDistance(hashes[0]!, copyHash);
  assert.ok(nearest <= 6, `copy is ${nearest} bits away`);
  for (const other of hashes.slice(1)) assert.ok(hammingDistance(hashes[0]!, other) > nearest + 6, 'distinct portraits are far apart');
});

test('hamming distance counts differing bits', () => {
  assert.equal(hammingDistance('0000000000000000', '0000000000000000'), 0);
  assert.equal(hammingDistance('0000000000000000', 'ffffffffffffffff'), 64);
  assert.equal(hammingDistance('1000000000000003', '0000000000000001'), 2);
});
