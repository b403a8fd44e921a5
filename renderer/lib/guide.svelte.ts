// The first-run guide's memory: whether the curator hid it, and which of its views they have
// seen, kept in this browser's storage (a preference of this window, not of a project).
import { route } from './route.svelte';

const HIDDEN = 'leporello.guide.hidden';
const SEEN = 'leporello.guide.seen';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage refused (a private window): the guide simply forgets.
  }
}

export const guide = $state<{ hidden: boolean; seen: string[] }>({
  hidden: read(HIDDEN) === '1',
  seen: JSON.parse(read(SEEN) ?? '[]') as string[],
});

export function hideGuide(): void {
  guide.hidden = true;
  write(HIDDEN, '1');
}

export function showGuide(): void {
  guide.hidden = false;
  write(HIDDEN, null);
}

/** Views the guide counts as seen once opened (seeing the timeline is that step). */
$effect.root(() => {
  $effect(() => {
    const view = route.current.view;
    if ((view === 'timeline' || view === 'curation') && !guide.seen.includes(view)) {
      guide.seen = [...guide.seen, view];
      write(SEEN, JSON.stringify(guide.seen));
    }
  });
});
