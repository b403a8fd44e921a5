// Where the studio window was and how big, kept between sessions in the settings folder. Read
// defensively (a hand-edited or half-written file gives the defaults, never a crash) and placed
// back only where a display still is: a window restored onto an unplugged monitor is lost.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { atomicWriteSync } from '../formats/atomic-write';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW: WindowState = { width: 1400, height: 900, maximized: false };

export function readWindowState(file: string): WindowState {
  try {
    return WindowState.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return DEFAULT_WINDOW;
  }
}

/** The saved place if most of its title bar is on some display's work area; otherwise centred by the system. */
export function placeOnScreen(state: WindowState, workAreas: Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const titleBar = { x, y, width: state.width, height: 40 };
  const visible = workAreas.some((a) => {
    const w = Math.min(titleBar.x + titleBar.width, a.x + a.width) - Math.max(titleBar.x, a.x);
    const h = Math.min(titleBar.y + titleBar.height, a.y + a.height) - Math.max(titleBar.y, a.y);
    return w >= Math.min(200, titleBar.width / 2) && h >= 20;
  });
  return visible ? state : { width: state.width, height: state.height, maximized: state.maximized };
}

/** Synchronous: it runs as the window closes, and the app may quit right after. */
export function writeWindowState(file: string, bounds: Rect, maximized: boolean): void {
  const state = WindowState.parse({ ...roundRect(bounds), maximized });
  atomicWriteSync(file, JSON.stringify(state));
}

function roundRect(r: Rect): Rect {
  return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
}
