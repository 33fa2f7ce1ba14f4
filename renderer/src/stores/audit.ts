import { create } from 'zustand';
import type { Static } from '@sinclair/typebox';
import type { AuditEntry } from '../../../app/contract/audit.ts';
import { api } from '../api.ts';

export type AuditRow = Static<typeof AuditEntry>;

export interface AuditFilterState {
  eventType: string;
  actor: string;
}

interface AuditState {
  filter: AuditFilterState;
  entries: AuditRow[];
  eventTypes: string[];
  actors: string[];
  /** True until the first answer arrives; later refreshes keep showing the last rows. */
  loading: boolean;
  error: string | null;
  setFilter(patch: Partial<AuditFilterState>): void;
  refresh(): Promise<void>;
}

/** The filter as the contract wants it: an empty choice means "all". */
export function filterArgs({ eventType, actor }: AuditFilterState): { eventType?: string; actor?: string } {
  return { ...(eventType ? { eventType } : {}), ...(actor ? { actor } : {}) };
}

let latestRequest = 0;

export const useAudit = create<AuditState>((set, get) => ({
  filter: { eventType: '', actor: '' },
  entries: [],
  eventTypes: [],
  actors: [],
  loading: true,
  error: null,
  setFilter: (patch) => {
    set({ filter: { ...get().filter, ...patch } });
    void get().refresh();
  },
  refresh: async () => {
    const request = ++latestRequest;
    try {
      const result = await api.invoke('audit.list', filterArgs(get().filter));
      // A slower answer to an older filter must not overwrite a newer one.
      if (request !== latestRequest) return;
      set({ entries: result.entries, eventTypes: result.eventTypes, actors: result.actors, loading: false, error: null });
    } catch (error) {
      if (request !== latestRequest) return;
      set({ error: error instanceof Error ? error.message : String(error), loading: false });
    }
  },
}));
