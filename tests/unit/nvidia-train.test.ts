// The train.py command for a cluster run: the base configuration that builds the resumed
// network's exact shape (NVIDIA's pretrained FFHQ networks at 256 and 1024 px), the launcher's
// settings as train.py's flags, and a network no configuration builds refused with every reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nvidiaTrainCommand, type ClusterTrainSettings, type NetworkShape } from '../../shared/nvidia-train';

const ffhq = (resolution: number, channelBase: number, mbstdGroupSize: number): NetworkShape => ({
  resolution,
  zDim: 512,
  wDim: 512,
  cDim: 0,
  channelBase,
  channelMax: 512,
  mappingLayers: 8,
  mbstdGroupSize,
  gArchitecture: 'skip',
  dArchitecture: 'resnet',
});
const base: ClusterTrainSettings = {
  archive: 'death-256.zip',
  resolution: 256,
  classes: 0,
  mirror: true,
  gpus: 8,
  kimg: 2000,
  augment: 'ada',
  seed: 1,
  snapshotKimg: 200,
};

test("resuming NVIDIA's FFHQ networks picks the configuration that builds them, with the launcher's settings as flags", () => {
  // ffhq-res256-mirror-paper256-noaug.pkl: half the channels, groups of 8.
  const at256 = nvidiaTrainCommand({ ...base, gamma: 10, adaTarget: 0.6, freezeD: 4, resume: { file: 'ffhq-256.pkl', shape: ffhq(256, 16384, 8) } });
  assert.equal(at256.cfg, 'paper256');
  assert.equal(
    at256.command,
    'python train.py --outdir=training-runs --data=death-256.zip --gpus=8 --cfg=paper256 --kimg=2000 --snap=50 --seed=1 --mirror=1 --gamma=10 --aug=ada --target=0.6 --resume=ffhq-256.pkl --freezed=4 --metrics=none',
  );
  assert.match(at256.notes[0]!, /^64 images per step, 8 on each of 8 GPUs\.$/);
  // ffhq-res1024-mirror-stylegan2-noaug.pkl.
  assert.equal(nvidiaTrainCommand({ ...base, resolution: 1024, resume: { file: 'ffhq.pkl', shape: ffhq(1024, 32768, 4) } }).cfg, 'stylegan2');
  // From scratch: train.py's automatic configuration; file names with spaces are quoted.
  const scratch = nvidiaTrainCommand({ ...base, archive: 'post mortem.zip', gpus: 2, snapshotKimg: 10, augment: 'none', classes: 3 });
  assert.equal(scratch.cfg, 'auto');
  assert.match(scratch.command, / '--data=post mortem\.zip' --gpus=2 --cfg=auto --kimg=2000 --snap=3 --seed=1 --mirror=1 --cond=1 --aug=noaug --metrics=none$/);
  assert.match(scratch.notes[1]!, /every 12 kimg \(train\.py counts in ticks of 4 kimg; 10 asked\)/);
});

test('a network train.py cannot build, and GPU counts it cannot use, are refused with every reason', () => {
  assert.throws(
    () =>
      nvidiaTrainCommand({
        ...base,
        resume: { file: 'tiny.pkl', shape: { ...ffhq(32, 2048, 4), zDim: 64, wDim: 64, channelMax: 64, mappingLayers: 2, cDim: 3 } },
      }),
    /cannot resume from this network: it draws 32 px images and the dataset is 256 px; its latents are 64\/64-dimensional \(train\.py builds 512\/512\); its channel maximum is 64 \(train\.py builds 512\); it is conditional on 3 classes and the archive has no classes; no --cfg builds its channel base 2048, 2 mapping layers and groups of 4/,
  );
  assert.throws(() => nvidiaTrainCommand({ ...base, gpus: 3 }), /a power of two of GPUs, not 3/);
  assert.throws(() => nvidiaTrainCommand({ ...base, gpus: 8, batch: 12 }), /a batch of 12 does not divide among 8 GPUs/);
});
