import type { EventMessage, EventName, EventPayload } from '../../shared/contract';

type Listener = (message: EventMessage) => void;

/** Fan-out of main-process events to whoever shows them: IPC windows, WebSocket clients, the CLI. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const message = { event, payload } as EventMessage;
    for (const l of this.listeners) l(message);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
