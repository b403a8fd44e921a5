// The application menu: the studio's views, import, and the usual Edit / View / Window items (on
// macOS, text fields have no copy and paste without an Edit menu). Built as plain data so it can
// be checked without Electron; main.ts hands it to Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  navigate(hash: string): void;
  importPortraits(): void;
  openProjectsFolder(): void;
  about(): void;
}

export function menuTemplate(platform: NodeJS.Platform, actions: MenuActions, appName = 'Leporello'): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac
      ? [
          {
            label: appName,
            submenu: [
              { role: 'about' as const },
              { type: 'separator' as const },
              { role: 'hide' as const },
              { role: 'hideOthers' as const },
              { type: 'separator' as const },
              { role: 'quit' as const },
            ],
          },
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'Projects…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.navigate('#/projects') },
        { label: 'Import Portraits…', accelerator: 'CmdOrCtrl+I', click: () => actions.importPortraits() },
        { label: 'New Run…', accelerator: 'CmdOrCtrl+N', click: () => actions.navigate('#/runs') },
        { type: 'separator' },
        { label: 'Show Projects Folder', click: () => actions.openProjectsFolder() },
        ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Collection', accelerator: 'CmdOrCtrl+1', click: () => actions.navigate('#/collection') },
        { label: 'Runs', accelerator: 'CmdOrCtrl+2', click: () => actions.navigate('#/runs') },
        { label: 'Styles', accelerator: 'CmdOrCtrl+3', click: () => actions.navigate('#/styles') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: `About ${appName}`, click: () => actions.about() }] },
  ];
}
