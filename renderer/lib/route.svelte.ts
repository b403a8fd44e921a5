// Hash routes: #/projects, #/collection/ID (or #/collection for all), #/image/ID, #/curation/ID,
// #/runs (list and launcher; #/runs/again/ID opens the launcher with run ID's settings), #/run/ID (dashboard and health), #/timeline/ID or #/timeline/ID/vs/ID,
// #/styles (a StyleGAN2 generator's faces, truncation and style mixing), #/latents (latents,
// projection, blend videos; #/latents/RUN/CHECKPOINT opens one checkpoint), #/questionnaire, #/analysis (feature analysis), #/book (leporello PDF; #/book/RUN/CHECKPOINT
// ends the verso's timeline at one checkpoint).
export type Route =
  | { view: 'projects' }
  | { view: 'collection'; collectionId: number | null }
  | { view: 'image'; imageId: number }
  | { view: 'curation'; collectionId: number }
  | { view: 'runs'; again: number | null }
  | { view: 'run'; runId: number }
  | { view: 'timeline'; runId: number; vsRunId: number | null }
  | { view: 'styles' }
  | { view: 'latents'; prefer: { runId: number; checkpointId: number } | null }
  | { view: 'questionnaire' }
  | { view: 'analysis' }
  | { view: 'book'; until: { runId: number; checkpointId: number } | null };

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'collection') return { view: 'collection', collectionId: parts[1] ? Number(parts[1]) : null };
  if (parts[0] === 'image' && parts[1]) return { view: 'image', imageId: Number(parts[1]) };
  if (parts[0] === 'curation' && parts[1]) return { view: 'curation', collectionId: Number(parts[1]) };
  if (parts[0] === 'runs') return { view: 'runs', again: parts[1] === 'again' && parts[2] ? Number(parts[2]) : null };
  if (parts[0] === 'styles') return { view: 'styles' };
  if (parts[0] === 'latents') return { view: 'latents', prefer: parts[1] && parts[2] ? { runId: Number(parts[1]), checkpointId: Number(parts[2]) } : null };
  if (parts[0] === 'book') return { view: 'book', until: parts[1] && parts[2] ? { runId: Number(parts[1]), checkpointId: Number(parts[2]) } : null };
  if (parts[0] === 'questionnaire' || parts[0] === 'analysis') return { view: parts[0] };
  if (parts[0] === 'run' && parts[1]) return { view: 'run', runId: Number(parts[1]) };
  if (parts[0] === 'timeline' && parts[1])
    return { view: 'timeline', runId: Number(parts[1]), vsRunId: parts[2] === 'vs' && parts[3] ? Number(parts[3]) : null };
  return { view: 'projects' };
}

export const route = $state<{ current: Route }>({ current: parse(location.hash) });
window.addEventListener('hashchange', () => (route.current = parse(location.hash)));

export function go(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}
