/** The admin API, with the admin's token from this browser tab's session storage. */
const KEY = 'switchboard-hub-token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t: string) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token.get() ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(res.status, data.error ?? `The Hub answered HTTP ${res.status}.`);
  return data as T;
}

export interface Source {
  id: string;
  slug: string;
  name: string;
  kind: 'catalog' | 'git';
  url: string;
  hasToken: boolean;
  lastSyncAt: string | null;
  lastOkAt: string | null;
  lastError: string | null;
  revision: string | null;
  pluginCount: number;
  skipped: { name: string; reason: string }[];
}
export interface User {
  id: string;
  name: string;
  groups: string[];
}
export interface Group {
  id: string;
  name: string;
  members: string[];
  permissions: string[];
}
export interface Token {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface Plugin {
  ref: string;
  name: string;
  kind: 'switchboard' | 'claude-code';
  slug: string;
}
export interface Grant {
  ref: string;
  groupName: string;
}
export interface UsageRow {
  key: string;
  sessions: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMs: number;
}
export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
