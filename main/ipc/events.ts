import type { EventName, EventPayload } from '../../app/contract/index.ts';

export type AnyEventListener = (name: EventName, payload: unknown) => void;

/** Push events from services to every connected window, whatever the transport. */
export class AppEvents {
  readonly #listeners = new Set<AnyEventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners) listener(name, payload);
  }

  subscribe(listener: AnyEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
