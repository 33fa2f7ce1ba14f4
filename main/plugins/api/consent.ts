import { randomUUID } from 'node:crypto';
import type { Permission } from '../../../app/permissions.ts';

/**
 * Questions main puts to the user on a plugin's behalf: a permission the
 * plugin asks for while running, and its first agent run. Main decides what
 * happens with the answer; the window only shows the question and sends the
 * button the user pressed.
 */
export type ConsentRequest =
  | { kind: 'permission'; pluginId: string; pluginName: string; permission: Permission; reason: string }
  | { kind: 'agent_run'; pluginId: string; pluginName: string; projectName: string; prompt: string };

export type PendingConsent = ConsentRequest & { requestId: string; askedAt: string };

/** How long a question waits for an answer before it counts as "no". */
export const CONSENT_TIMEOUT_MS = 5 * 60_000;

/** Tells the window a question is open, or that it was answered (in another window, or by the timeout). */
export type ConsentAnnouncement = PendingConsent | { requestId: string; answered: true };

interface Waiting {
  pending: PendingConsent;
  resolve: (allow: boolean) => void;
  timer: NodeJS.Timeout;
}

export class ConsentBroker {
  readonly #waiting = new Map<string, Waiting>();
  readonly #announce: (announcement: ConsentAnnouncement) => void;
  readonly #timeoutMs: number;

  constructor(announce: (announcement: ConsentAnnouncement) => void, timeoutMs = CONSENT_TIMEOUT_MS) {
    this.#announce = announce;
    this.#timeoutMs = timeoutMs;
  }

  ask(request: ConsentRequest): Promise<boolean> {
    // One open question per plugin and subject: asking again while it is open waits for the same answer.
    for (const w of this.#waiting.values()) {
      if (sameQuestion(w.pending, request)) return new Promise((resolve) => this.#chain(w, resolve));
    }
    const pending: PendingConsent = { ...request, requestId: randomUUID(), askedAt: new Date().toISOString() };
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(pending.requestId, false), this.#timeoutMs);
      timer.unref();
      this.#waiting.set(pending.requestId, { pending, resolve, timer });
      this.#announce(pending);
    });
  }

  /** The user's answer; false when the question is no longer open. */
  answer(requestId: string, allow: boolean): boolean {
    const waiting = this.#waiting.get(requestId);
    if (!waiting) return false;
    clearTimeout(waiting.timer);
    this.#waiting.delete(requestId);
    waiting.resolve(allow);
    this.#announce({ requestId, answered: true });
    return true;
  }

  pending(): PendingConsent[] {
    return [...this.#waiting.values()].map((w) => w.pending);
  }

  /** A plugin that stops (uninstalled, disabled, crashed) gets "no" to everything it asked. */
  dropPlugin(pluginId: string): void {
    for (const w of [...this.#waiting.values()]) if (w.pending.pluginId === pluginId) this.answer(w.pending.requestId, false);
  }

  close(): void {
    for (const id of [...this.#waiting.keys()]) this.answer(id, false);
  }

  #chain(waiting: Waiting, resolve: (allow: boolean) => void): void {
    const first = waiting.resolve;
    waiting.resolve = (allow) => {
      first(allow);
      resolve(allow);
    };
  }
}

function sameQuestion(a: ConsentRequest, b: ConsentRequest): boolean {
  if (a.pluginId !== b.pluginId || a.kind !== b.kind) return false;
  return a.kind === 'permission' && b.kind === 'permission' ? a.permission === b.permission : a.kind === 'agent_run';
}
