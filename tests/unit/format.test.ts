// Sizes on disk as the launcher and the runs list print them: a DCGAN checkpoint of a few kB is
// not "1 MB", and a night's run is read in GB.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from '../../shared/format';

test('sizes on disk read at two or three significant figures in decimal units', () => {
  assert.deepEqual([0, 999, 17_362, 76_400_000, 1_612_000_000, 80_500_000_000, 3.2e12].map(formatBytes), [
    '0 bytes',
    '999 bytes',
    '17 kB',
    '76 MB',
    '1.6 GB',
    '81 GB',
    '3.2 TB',
  ]);
});
