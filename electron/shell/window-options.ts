import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The studio window's settings. The renderer is untrusted: isolated from the preload's world,
 * sandboxed, without Node, and allowed to load only what the app serves itself.
 */
export function studioWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#17171a',
    title: 'Leporello',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

export const APP_SCHEME = 'leporello';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const PROJECT_ORIGIN = `${APP_SCHEME}://project`;
