import { create } from 'zustand';
import type { Static } from '@sinclair/typebox';
import type { KeyringStatus, SecretInfo } from '../../../app/contract/secrets.ts';
import { api } from '../api.ts';

export type Secret = Static<typeof SecretInfo>;

/**
 * What the window knows about secrets: names and times only. Values go
 * straight from a password field to main and are never stored here.
 */
interface SecretsState {
  status: Static<typeof KeyringStatus> | null;
  secrets: Secret[];
  loading: boolean;
  error: string | null;
  load(): Promise<void>;
  store(name: string, value: string): Promise<Secret>;
  remove(name: string): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const byName = (a: Secret, b: Secret) => a.name.localeCompare(b.name);

export const useSecrets = create<SecretsState>((set, get) => ({
  status: null,
  secrets: [],
  loading: false,
  error: null,
  load: async () => {
    set({ loading: true, error: null });
    try {
      const [status, secrets] = await Promise.all([api.invoke('secrets.status', {}), api.invoke('secrets.list', {})]);
      set({ status, secrets: [...secrets].sort(byName), loading: false });
    } catch (error) {
      set({ error: message(error), loading: false });
    }
  },
  store: async (name, value) => {
    const info = await api.invoke('secrets.set', { name, value });
    set({ secrets: [...get().secrets.filter((s) => s.name !== name), info].sort(byName) });
    return info;
  },
  remove: async (name) => {
    await api.invoke('secrets.delete', { name });
    set({ secrets: get().secrets.filter((s) => s.name !== name) });
  },
}));

export function followSecretChanges(): () => void {
  return api.on('secrets.changed', (secrets) => useSecrets.setState({ secrets: [...secrets].sort(byName) }));
}
