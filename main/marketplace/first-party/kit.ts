import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Panel, PanelBlockValue } from '../../../app/contract/plugins.ts';
import type { Permission } from '../../../app/permissions.ts';
import { FIXTURES } from '../../agents/test-kit.ts';
import { FAST_TIMING, eventually } from '../../plugins/testing/harness.ts';
import { startServices, type AppServices, type Core } from '../../services.ts';
import { RecordingNotifier } from '../../test-support/core.ts';
import { BUILTIN_SOURCE_ID, DEFAULT_BUILTIN_CATALOG_DIR } from '../builtin.ts';

export { eventually };

/**
 * The whole app's services over a fresh data folder, for the first-party
 * plugins: each is installed from the signed built-in catalog through the
 * marketplace and runs in a real plugin process. The save dialog is a
 * stand-in the test answers; agent transcripts come from the fixtures
 * through the real import.
 */
export interface FirstPartyKit {
  services: AppServices;
  core: Core;
  dataDir: string;
  home: string;
  native: RecordingNotifier;
  /** What each save dialog was asked, in order. */
  saveRequests: { pluginName: string; suggestedName: string; mimeType: string }[];
  /** The next save dialog's answer: a file name in the kit's export folder, or null for Cancel. */
  answerSave(fileName: string | null): string | null;
  /** Installs from the built-in catalog with exactly the permissions the catalog lists, and waits until it runs or sleeps. */
  install(id: string): Promise<{ permissions: Permission[] }>;
  /** Calls a channel the way the window does; throws with the error's message. */
  call<T>(channel: string, args: unknown): Promise<T>;
  /** Its panel, as its page shows it (opening the page wakes a plugin that starts onPanel). */
  panel(id: string): Panel | null;
  /** Waits for the plugin's panel to satisfy `check`. */
  panelWhere(id: string, check: (panel: Panel) => boolean, what: string): Promise<Panel>;
  status(id: string): { text: string; tooltip: string | null } | null;
  /** Submits a form or presses a button of the plugin's panel, as the window does. */
  act(id: string, blockId: string, values?: Record<string, string | number | boolean>, actionId?: string): Promise<{ ok: true } | { ok: false; error: string }>;
  /**
   * Copies fixture transcripts into the agents' home and imports them.
   * `live`: their times are moved to the last minutes, so the sessions count
   * as live (announced to plugins, messages fanned out).
   */
  importTranscripts(kind: 'claude' | 'codex' | 'claude-usage', options?: { live?: boolean }): void;
  /** A real git repository the test owns, added as a project; returns its id and folder. */
  addProject(name: string, options?: { git?: boolean }): { id: string; path: string };
  close(): Promise<void>;
}

const TIMESTAMP = /"timestamp":"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)"/g;

function jsonlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return jsonlFiles(full);
    return name.endsWith('.jsonl') ? [full] : [];
  });
}

/** Moves every record time of the copied transcripts by the same amount, so the last one is `endsAt`. */
function shiftTimes(dir: string, endsAt: number): void {
  const files = jsonlFiles(dir);
  let latest = 0;
  for (const file of files) for (const m of readFileSync(file, 'utf8').matchAll(TIMESTAMP)) latest = Math.max(latest, Date.parse(m[1]!));
  const delta = endsAt - latest;
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(TIMESTAMP, (_all, iso: string) => `"timestamp":"${new Date(Date.parse(iso) + delta).toISOString()}"`);
    writeFileSync(file, text);
  }
}

export const gitAs = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' },
  });

export function startFirstPartyKit(): FirstPartyKit {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-first-party-'));
  const home = join(dataDir, 'home');
  const exports = join(dataDir, 'exports');
  mkdirSync(exports, { recursive: true });
  const native = new RecordingNotifier();
  const saveRequests: FirstPartyKit['saveRequests'] = [];
  const answers: (string | null)[] = [];
  const services = startServices({
    dataDir,
    appVersion: '0.1.0',
    native,
    pluginTiming: FAST_TIMING,
    builtinCatalogDir: DEFAULT_BUILTIN_CATALOG_DIR,
    agentHome: home,
    saveDialog: async (request) => {
      saveRequests.push(request);
      return answers.length ? answers.shift()! : null;
    },
  });
  const core = services.core();
  // The tests import when they say so; the watcher would do the same work at its own moment.
  core.agents.sources.stop();

  const call = async <T>(channel: string, args: unknown): Promise<T> => {
    const reply = (await services.dispatch(channel, args)) as { ok: true; value: T } | { ok: false; error: { message: string } };
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  };
  const panel = (id: string) => core.supervisor.get(id).panel;

  return {
    services,
    core,
    dataDir,
    home,
    native,
    saveRequests,
    answerSave(fileName) {
      const path = fileName === null ? null : join(exports, fileName);
      answers.push(path);
      return path;
    },
    async install(id) {
      const view = await core.marketplace.fetchCatalog();
      const entry = view.entries.find((e) => e.id === id && e.sourceId === BUILTIN_SOURCE_ID);
      if (!entry) throw new Error(`${id} is not in the built-in catalog (${view.sources.map((s) => s.error).join('; ')})`);
      await core.marketplace.install(id, BUILTIN_SOURCE_ID, entry.permissions);
      // A plugin with activation events sleeps until one happens (its page opened, its command chosen, a message).
      await eventually(() => ['running', 'sleeping'].includes(core.supervisor.list().find((p) => p.id === id)?.state ?? '') || undefined, `${id} to run or sleep`);
      return { permissions: entry.permissions };
    },
    call,
    panel,
    panelWhere: (id, check, what) => eventually(() => {
      const p = panel(id);
      return p && check(p) ? p : undefined;
    }, what),
    status: (id) => {
      const item = core.supervisor.statusItems().find((s) => s.pluginId === id);
      return item ? { text: item.text, tooltip: item.tooltip } : null;
    },
    act: (id, blockId, values = {}, actionId) => core.supervisor.panelAction(id, blockId, actionId ?? null, values),
    importTranscripts(kind, options = {}) {
      const target = kind === 'codex' ? join(home, '.codex', 'sessions') : join(home, '.claude', 'projects');
      const staging = mkdtempSync(join(dataDir, 'transcripts-'));
      cpSync(join(FIXTURES, kind), staging, { recursive: true });
      if (options.live) shiftTimes(staging, Date.now() - 30_000);
      cpSync(staging, target, { recursive: true });
      rmSync(staging, { recursive: true, force: true });
      core.agents.sources.scan();
    },
    addProject(name, options = {}) {
      const path = mkdtempSync(join(dataDir, `${name.toLowerCase()}-`));
      if (options.git !== false) gitAs(path, 'init', '-q');
      const project = core.agents.store.addProject(path, name);
      return { id: project.id, path };
    },
    async close() {
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The blocks of a panel (a single-part panel is one block). */
export function blocksOf(panel: Panel | null): PanelBlockValue[] {
  if (!panel) return [];
  return panel.type === 'blocks' ? panel.blocks : [panel];
}

export function tableOf(panel: Panel | null, title: string): (string | number | boolean | null)[][] | undefined {
  const block = blocksOf(panel).find((b) => b.type === 'table' && b.title === title);
  return block?.type === 'table' ? [block.columns, ...block.rows] : undefined;
}

export function markdownOf(panel: Panel | null): string {
  return blocksOf(panel)
    .map((b) => (b.type === 'markdown' ? `${b.title ? `${b.title}\n` : ''}${b.markdown}` : ''))
    .filter(Boolean)
    .join('\n\n');
}
