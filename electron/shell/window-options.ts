// The app's own URL scheme: leporello://app/ serves the built renderer, leporello://project/ the open project's files.
export const APP_SCHEME = 'leporello';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const PROJECT_ORIGIN = `${APP_SCHEME}://project`;
