import { AppError } from '../../../app/contract/envelope.ts';
import type { AuditRow } from '../../audit/audit.ts';
import type { MessageInfo, SessionInfo } from '../../../app/contract/agents.ts';
import type { PluginDataFolders, SaveDialog } from '../../files/plugin-files.ts';
import type { ReadOnlyGit } from '../../git/read-only-git.ts';
import type { PluginRequest, PluginResponse } from '../../net/plugin-fetch.ts';
import type { ConsentRequest } from './consent.ts';

/**
 * What main does on plugins' behalf beyond the app's own boards: the
 * network, files, git, stored sessions, the audit log and agent runs. The
 * composition root (main/services.ts) provides them; the API handlers only
 * call them after the gate checked the call.
 */
export interface ProjectRef {
  id: string;
  name: string;
  path: string;
}

export interface AuditFilter {
  types?: string[];
  actor?: string;
  since?: string;
  /** Rows after this id, oldest first: how a forwarder resumes without duplicates. */
  afterId?: number;
  limit: number;
}

export interface PluginCapabilities {
  fetch(hosts: readonly string[], request: PluginRequest): Promise<PluginResponse>;
  files: Pick<PluginDataFolders, 'append' | 'read' | 'list' | 'remove' | 'concat'>;
  saveDialog: SaveDialog;
  git: Pick<ReadOnlyGit, 'log' | 'status' | 'branch' | 'diff'>;
  projects: { list(): ProjectRef[]; get(id: string): ProjectRef | undefined };
  sessions: {
    list(filter: { projectId?: string; limit: number }): SessionInfo[];
    get(id: string): SessionInfo | undefined;
    messages(id: string, afterIndex: number, limit: number): MessageInfo[];
    /** What the user is looking at in the window. */
    current(): { sessionId: string | null; projectId: string | null };
  };
  audit: { query(filter: AuditFilter): AuditRow[] };
  agents: { run(request: { projectId: string; prompt: string; provider: 'claude' | 'codex'; model?: string }): Promise<{ sessionId: string }> };
  /** Copies of project folders for comparing runs, with the diff of what a run changed (main/git/scratch-copies.ts). */
  scratch: {
    copy(pluginId: string, projectId: string): Promise<{ projectId: string; name: string }>;
    diff(pluginId: string, projectId: string): Promise<string>;
  };
  /** Asks the user; resolves with their answer (false when nobody answers in time). */
  consent(request: ConsentRequest): Promise<boolean>;
}

const unavailable = (what: string) => () => {
  throw new AppError('conflict', `${what} is not available here`);
};

/** For a supervisor started without the app around it (unit tests of the runtime): every capability says it is missing. */
export const NO_CAPABILITIES: PluginCapabilities = {
  fetch: unavailable('The network'),
  files: { append: unavailable('Files'), read: unavailable('Files'), list: unavailable('Files'), remove: unavailable('Files'), concat: unavailable('Files') },
  saveDialog: unavailable('The save dialog'),
  git: { log: unavailable('git'), status: unavailable('git'), branch: unavailable('git'), diff: unavailable('git') },
  projects: { list: () => [], get: () => undefined },
  sessions: { list: () => [], get: () => undefined, messages: () => [], current: () => ({ sessionId: null, projectId: null }) },
  audit: { query: () => [] },
  agents: { run: unavailable('Running agents') },
  scratch: { copy: unavailable('Scratch copies'), diff: unavailable('Scratch copies') },
  consent: async () => false,
};
