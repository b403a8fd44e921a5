// The whole-picture look of the near-duplicate finder on real archival portraits: a crop and a
// shrunk, recompressed copy are registered back onto the original (the pose found is the one
// made) and leave little residual; another portrait does not; and points carried by the pose land
// where they were.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { coarseMatch, fineMatch, pointInSecond, sketchPicture, type Grey } from '../../electron/formats/pictures/picture-match';
import { sharedData } from '../helpers';

const portrait = (name: string) => join(sharedData, 'portraits600', name);

async function grey(image: ReturnType<typeof sharp>): Promise<Grey> {
  // As the finder reads a thumbnail: grey, about 200 px on the long side.
  const { data, info } = await image.resize(200, 200, { fit: 'inside' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: Float32Array.from(data) };
}

test('a crop and a recompressed copy register onto their original with little residual; another portrait does not', async () => {
  const file = portrait('000020.jpg');
  const { width = 0, height = 0 } = await sharp(file).metadata();
  const original = sketchPicture(await grey(sharp(file)));
  // 10 % off the left, 6 % off the top.
  const [left, top] = [Math.round(width * 0.1), Math.round(height * 0.06)];
  const crop = sketchPicture(
    await grey(
      sharp(
        await sharp(file)
          .extract({ left, top, width: width - left, height: height - top })
          .jpeg({ quality: 85 })
          .toBuffer(),
      ),
    ),
  );
  const recompressed = sketchPicture(
    await grey(
      sharp(
        await sharp(file)
          .resize(Math.round(width * 0.7))
          .jpeg({ quality: 20 })
          .toBuffer(),
      ),
    ),
  );
  const other = sketchPicture(await grey(sharp(portrait('000028.jpg'))));

  const cropPose = coarseMatch(original, crop);
  assert.ok(cropPose.correlation >= 0.75, `crop: coarse correlation ${cropPose.correlation}, under the finder's gate`);
  const cropMatch = fineMatch(original, crop, cropPose);
  assert.ok(cropMatch.correlation > 0.97 && cropMatch.residual < 0.5, JSON.stringify(cropMatch));
  // The crop's frame is the original's shrunk by its long side's cut: the pose scales it back.
  const longCut = height >= width ? (height - top) / height : (width - left) / width;
  assert.ok(Math.abs(cropMatch.pose.scale - longCut) < 0.02, `scale ${cropMatch.pose.scale}, made ${longCut}`);
  // The crop's centre lies right of and below the original's by half of what was cut, in sketch pixels.
  const k = original.fine.width / width;
  assert.ok(Math.abs(cropMatch.pose.shiftX - (left / 2) * k) < 1, `shift x ${cropMatch.pose.shiftX}, made ${(left / 2) * k}`);
  assert.ok(Math.abs(cropMatch.pose.shiftY - (top / 2) * k) < 1, `shift y ${cropMatch.pose.shiftY}, made ${(top / 2) * k}`);

  const recompressedMatch = fineMatch(original, recompressed, coarseMatch(original, recompressed));
  assert.ok(recompressedMatch.correlation > 0.97 && recompressedMatch.residual < 0.5, JSON.stringify(recompressedMatch));

  const otherPose = coarseMatch(original, other);
  const otherMatch = fineMatch(original, other, otherPose);
  assert.ok(otherMatch.residual > 0.8, `another portrait: ${JSON.stringify(otherMatch)}`);

  // A point of the original carried into the crop lands where the crop moved it.
  const at = pointInSecond(original, crop, cropMatch.pose, original.fine.width / 2, original.fine.height / 2);
  const expected = { x: (width / 2 - left) * (crop.fine.width / (width - left)), y: (height / 2 - top) * (crop.fine.width / (width - left)) };
  assert.ok(Math.hypot(at.x - expected.x, at.y - expected.y) < 1, `${JSON.stringify(at)} vs ${JSON.stringify(expected)}`);
});
