// Stands in for preload in the browser harness: the same `window.switchboard`
// shape, carried over a WebSocket instead of Electron IPC. Served to the page
// as plain JavaScript (types stripped), so it imports nothing.

interface BridgeError extends Error {
  code: string;
  fields?: Record<string, string>;
}

type Listener = (payload: unknown) => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get('token') ?? sessionStorage.getItem('switchboard-token') ?? '';
  sessionStorage.setItem('switchboard-token', token);

  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<Listener>>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket;

  const connect = (): void => {
    socket = new WebSocket(`ws://${location.host}/__harness/ws?token=${encodeURIComponent(token)}`);
    socket.addEventListener('open', () => {
      for (const message of queue.splice(0)) socket.send(message);
    });
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as
        | { id: number; envelope: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } } }
        | { event: string; payload: unknown };
      if ('event' in message) {
        for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
        return;
      }
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.envelope.ok) {
        call.resolve(message.envelope.value);
      } else {
        const error = new Error(message.envelope.error.message) as BridgeError;
        error.code = message.envelope.error.code;
        if (message.envelope.error.fields) error.fields = message.envelope.error.fields;
        call.reject(error);
      }
    });
    socket.addEventListener('close', () => {
      for (const call of pending.values()) {
        const error = new Error('Lost the connection to Switchboard.') as BridgeError;
        error.code = 'internal';
        call.reject(error);
      }
      pending.clear();
      setTimeout(connect, 500);
    });
  };
  connect();

  const api = {
    invoke(channel: string, args: unknown): Promise<unknown> {
      const id = nextId++;
      const message = JSON.stringify({ id, channel, args });
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (socket.readyState === WebSocket.OPEN) socket.send(message);
        else queue.push(message);
      });
    },
    on(event: string, listener: Listener): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  Object.defineProperty(window, 'switchboard', { value: Object.freeze(api), enumerable: false, writable: false });
})();
