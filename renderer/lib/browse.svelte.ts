// The list the curator was looking at when they opened an image, so the detail view can step
// to the previous and next one and return to the same place.
export const browse = $state<{ ids: number[]; backTo: string }>({ ids: [], backTo: '#/collection' });
