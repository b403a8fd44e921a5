// A contact sheet: pictures in a captioned grid, as one PNG or as A4 pages of PDF — a collection's
// portraits, a checkpoint's witnesses, or a video's frames.
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import { atomicWrite, removeDeadPartials } from '../../formats/atomic-write';
import { contactSheetPdf, contactSheetPng, type SheetItem } from '../render/contact-sheet';
import { readPicture, videoFrames, type PictureSource } from '../render/pictures';
import { throwIfCancelled, type EngineJob } from './job';

export interface ContactSheetRequest {
  items: { source: PictureSource; caption: string }[] | { video: string; count: number };
  columns: number;
  /** Cell side of the PNG, in pixels. */
  cell: number;
  title: string;
  outFile: string;
  tmpDir: string;
  ffmpeg: string | null;
}

export interface ContactSheetResult {
  file: string;
  pictures: number;
  /** A4 pages of a PDF; the size of a PNG. */
  pages: number | null;
  width: number | null;
  height: number | null;
  warnings: string[];
  seconds: number;
}

export const contactSheet: EngineJob<'contact-sheet'> = async (request, context) => {
  const started = performance.now();
  const warnings: string[] = [];
  let items: SheetItem[] = [];
  if ('video' in request.items) {
    if (!request.ffmpeg) throw new AppError('unavailable', 'no ffmpeg was found to read the video; install ffmpeg');
    items = (await videoFrames(request.ffmpeg, request.items.video, request.items.count)).map((f) => ({ picture: f.picture, caption: `frame ${f.frame}` }));
  } else {
    for (const [i, item] of request.items.entries()) {
      throwIfCancelled(context.signal, 'the contact sheet');
      context.progress(i, request.items.length, `reading picture ${i + 1} of ${request.items.length}`);
      try {
        items.push({ picture: await readPicture(item.source), caption: item.caption });
      } catch (err) {
        warnings.push(`${(err as Error).message} and was left out: import it again, or remove it from the collection`);
      }
    }
    if (!items.length) throw new AppError('invalid_request', `none of the pictures could be read: ${warnings[0] ?? 'there are none'}`);
  }
  await removeDeadPartials(dirname(request.outFile));
  if (/\.pdf$/i.test(request.outFile)) {
    const { pdf, pages } = await contactSheetPdf(items, request.columns, request.title);
    await atomicWrite(request.outFile, pdf, request.tmpDir);
    return { file: request.outFile, pictures: items.length, pages, width: null, height: null, warnings, seconds: (performance.now() - started) / 1000 };
  }
  const { png, width, height } = await contactSheetPng(items, request.columns, request.cell);
  await atomicWrite(request.outFile, png, request.tmpDir);
  return { file: request.outFile, pictures: items.length, pages: null, width, height, warnings, seconds: (performance.now() - started) / 1000 };
};
