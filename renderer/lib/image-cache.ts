// Decoded pictures by address, shared by the views that draw on a canvas: a timeline's grids are
// loaded once however often it is scrolled, zoomed or opened again.
const cache = new Map<string, Promise<HTMLImageElement>>();

/** The picture at `url`, decoded; a failed load is forgotten so that a later call tries again. */
export function loadImage(url: string): Promise<HTMLImageElement> {
  let pending = cache.get(url);
  if (!pending) {
    const img = new Image();
    img.src = url;
    pending = img.decode().then(() => img);
    pending.catch(() => cache.delete(url));
    cache.set(url, pending);
  }
  return pending;
}
