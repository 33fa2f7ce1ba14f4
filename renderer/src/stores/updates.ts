import { create } from 'zustand';
import type { Static } from '@sinclair/typebox';
import type { UpdateStatus } from '../../../app/contract/updates.ts';
import { api } from '../api.ts';

export type UpdateStatusValue = Static<typeof UpdateStatus>;

interface UpdatesState {
  status: UpdateStatusValue | null;
  load(): Promise<void>;
  /** "Check for updates": rejects with main's message where this build cannot update. */
  check(): Promise<UpdateStatusValue>;
  download(): Promise<UpdateStatusValue>;
  install(when: 'now' | 'on-quit'): Promise<UpdateStatusValue>;
}

export const useUpdates = create<UpdatesState>((set) => {
  const keep = (status: UpdateStatusValue): UpdateStatusValue => {
    set({ status });
    return status;
  };
  return {
    status: null,
    load: async () => {
      keep(await api.invoke('updates.status', {}));
    },
    check: async () => keep(await api.invoke('updates.check', {})),
    download: async () => keep(await api.invoke('updates.download', {})),
    install: async (when) => keep(await api.invoke('updates.install', { when })),
  };
});

/** Progress and results arrive as `updates.changed` while a check or download runs. */
export function followUpdates(): () => void {
  return api.on('updates.changed', (status) => useUpdates.setState({ status }));
}
