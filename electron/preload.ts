// The only bridge between the sandboxed renderer and the main process: one function per method
// of the shared contract (never a generic invoke), an event subscription, and the path of a
// dropped file. It runs sandboxed, so it is bundled into a single CommonJS file.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { methods, type EventMessage } from '../shared/contract';

const api = Object.fromEntries(methods.map((m) => [m, (request: unknown) => ipcRenderer.invoke(`api:${m}`, request ?? {})]));

contextBridge.exposeInMainWorld('leporello', {
  api,
  onEvent(listener: (message: EventMessage) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, message: EventMessage) => listener(message);
    ipcRenderer.on('leporello:event', wrapped);
    return () => ipcRenderer.removeListener('leporello:event', wrapped);
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
});
