// Messages for the person at the screen: errors that say what to do, and confirmations with undo.
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
  action?: { label: string; run: () => void };
}

let nextId = 1;
export const notices = $state<{ list: Notice[] }>({ list: [] });

export function notify(kind: Notice['kind'], text: string, action?: Notice['action'], ms = kind === 'error' ? 12_000 : 6_000): void {
  const id = nextId++;
  notices.list.push({ id, kind, text, action });
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  notices.list = notices.list.filter((n) => n.id !== id);
}

export function reportError(err: unknown): void {
  notify('error', err instanceof Error ? err.message : String(err));
}
