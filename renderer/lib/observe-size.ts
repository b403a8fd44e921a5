// Follows an element's content size; returns the function that stops following (an $effect's cleanup).
export function observeSize(element: HTMLElement, onSize: (width: number, height: number) => void): () => void {
  const observer = new ResizeObserver(([entry]) => {
    if (entry) onSize(entry.contentRect.width, entry.contentRect.height);
  });
  observer.observe(element);
  return () => observer.disconnect();
}
