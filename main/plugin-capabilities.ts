import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../app/contract/envelope.ts';
import type { AgentService } from './agents/service.ts';
import type { AuditLog } from './audit/audit.ts';
import { PluginDataFolders, type SaveDialog } from './files/plugin-files.ts';
import { ReadOnlyGit } from './git/read-only-git.ts';
import { ScratchCopies } from './git/scratch-copies.ts';
import type { HttpFetch } from './marketplace/http.ts';
import { PluginNetwork, type ResolveHost } from './net/plugin-fetch.ts';
import type { PluginCapabilities } from './plugins/api/capabilities.ts';
import type { ConsentBroker } from './plugins/api/consent.ts';

/** `<data>/plugin-data/<id>/`: each plugin's own files (agor.files), kept across updates and removed on uninstall. */
export const pluginDataRoot = (dataDir: string) => join(dataDir, 'plugin-data');

/** `<data>/plugin-scratch/<id>/`: scratch copies of project folders a plugin compares runs on. */
export const pluginScratchRoot = (dataDir: string) => join(dataDir, 'plugin-scratch');

export interface CapabilityDeps {
  dataDir: string;
  /** The app's HTTP stack (Electron: Chromium's, with the system proxy and trust store). */
  fetch: HttpFetch;
  /** How names are resolved for the address check; the system resolver by default. */
  resolveHost?: ResolveHost;
  saveDialog: SaveDialog;
  consent: ConsentBroker;
  agents: () => AgentService;
  audit: () => AuditLog;
  /** What the window shows now (plugins.setViewContext). */
  viewContext: () => { sessionId: string | null; projectId: string | null };
}

/** The real capabilities behind the plugin API, over the app's own services. */
export function pluginCapabilities(d: CapabilityDeps): PluginCapabilities {
  const network = new PluginNetwork({ fetch: d.fetch, ...(d.resolveHost ? { resolve: d.resolveHost } : {}) });
  // Plugins see the projects they can work on: not hidden, and in a folder on this computer (a
  // project discovered from another machine's or a deleted worktree's transcripts is not one).
  const projects = () =>
    d
      .agents()
      .store.listProjects()
      .filter((p) => !p.hidden && (!p.discovered || existsSync(p.path)))
      .map(({ id, name, path }) => ({ id, name, path }));
  const scratch = new ScratchCopies(pluginScratchRoot(d.dataDir));
  return {
    fetch: (hosts, request) => network.fetch(hosts, request),
    files: new PluginDataFolders(pluginDataRoot(d.dataDir)),
    saveDialog: d.saveDialog,
    git: new ReadOnlyGit(),
    projects: { list: projects, get: (id) => projects().find((p) => p.id === id) },
    sessions: {
      list: ({ projectId, limit }) => d.agents().store.listSessions({ ...(projectId ? { projectId } : {}), limit }),
      get: (id) => d.agents().store.getSession(id),
      messages: (id, afterIndex, limit) => d.agents().store.messages(id).filter((m) => m.index > afterIndex).slice(0, limit),
      current: () => d.viewContext(),
    },
    audit: { query: (filter) => d.audit().query(filter) },
    agents: {
      run: async ({ projectId, prompt, provider, model }) => {
        const outcome = await d.agents().runner.run(projectId, provider, prompt, undefined, model ? { model } : {});
        if (outcome.status === 'blocked') throw new AppError('refused', `The run was blocked by a pre_flight hook: ${outcome.message}`);
        return { sessionId: outcome.sessionId };
      },
    },
    scratch: {
      copy: async (pluginId, projectId) => {
        const project = projects().find((p) => p.id === projectId);
        if (!project) throw new AppError('not_found', `There is no project ${projectId.slice(0, 100)}`);
        const path = await scratch.create(pluginId, project.path);
        const copy = d.agents().addProject(path, `${project.name} (scratch)`);
        scratch.register(copy.id, { path, pluginId });
        return { projectId: copy.id, name: copy.name };
      },
      diff: (pluginId, projectId) => scratch.diff(pluginId, projectId),
    },
    consent: (request) => d.consent.ask(request),
  };
}
