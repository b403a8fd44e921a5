// Hash routes: #/projects, #/collection/ID (or #/collection for all), #/image/ID, #/curation/ID.
export type Route =
  | { view: 'projects' }
  | { view: 'collection'; collectionId: number | null }
  | { view: 'image'; imageId: number }
  | { view: 'curation'; collectionId: number };

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'collection') return { view: 'collection', collectionId: parts[1] ? Number(parts[1]) : null };
  if (parts[0] === 'image' && parts[1]) return { view: 'image', imageId: Number(parts[1]) };
  if (parts[0] === 'curation' && parts[1]) return { view: 'curation', collectionId: Number(parts[1]) };
  return { view: 'projects' };
}

export const route = $state<{ current: Route }>({ current: parse(location.hash) });
window.addEventListener('hashchange', () => (route.current = parse(location.hash)));

export function go(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}
