// "1,2,5-9" → [1, 2, 5, 6, 7, 8, 9]: how image ids, seeds and style layers are typed, in the CLI and
// in the studio's fields alike.
import { AppError } from './errors';

export function parseNumberList(text: string, option = '--images', what = 'an image id', maxCount = 100_000): number[] {
  const ids: number[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new AppError('invalid_request', `${option} "${text}": "${part}" is neither ${what} nor a range like 5-9`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (to < from || to - from >= maxCount) throw new AppError('invalid_request', `${option} "${text}": the range ${part} is empty or longer than ${maxCount}`);
    for (let id = from; id <= to; id++) ids.push(id);
  }
  if (ids.length > maxCount) throw new AppError('invalid_request', `${option} "${text}": at most ${maxCount} at a time`);
  return ids;
}
