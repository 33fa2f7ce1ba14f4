import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { MainConfigFactory, PreloadConfigFactory, resolveConfig, type UserConfig } from 'electron-vite';
import { build, type InlineConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import electronViteConfig from '../../electron.vite.config.ts';
import { IPC_INVOKE } from '../../app/contract/transport.ts';
import { agentKit, quietLog } from '../agents/test-kit.ts';
import { SearchService } from '../search/search.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const config = electronViteConfig as UserConfig;

/** Builds one part of the app exactly as `npm run build` does, into a scratch folder. */
async function buildPart(factory: MainConfigFactory | PreloadConfigFactory, outDir: string): Promise<string[]> {
  const viteConfig = (await factory.build()) as InlineConfig;
  viteConfig.build = { ...viteConfig.build, outDir, emptyOutDir: true };
  await build(viteConfig);
  return readdirSync(outDir, { recursive: true }).map(String).sort();
}

describe('npm run build', () => {
  let scratch: string;
  let mainFiles: string[];
  let preloadFiles: string[];
  beforeAll(async () => {
    // Inside the checkout (out/ is ignored) so the bundles resolve their external packages from node_modules, as out/main does.
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    scratch = mkdtempSync(join(ROOT, 'out', '.build-test-'));
    const inline = { configFile: false as const, logLevel: 'silent' as const, mode: 'production' };
    preloadFiles = await buildPart(new PreloadConfigFactory(config.preload!, inline, { root: ROOT }), join(scratch, 'preload'));
    mainFiles = await buildPart(new MainConfigFactory(config.main!, inline, { root: ROOT }), join(scratch, 'main'));
  }, 120_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('bundles the preload into one CommonJS file that runs with nothing but require("electron")', async () => {
    expect(preloadFiles).toEqual(['index.cjs']);
    const code = readFileSync(join(scratch, 'preload', 'index.cjs'), 'utf8');
    const required: string[] = [];
    const invoked: unknown[][] = [];
    const page = createContext({});
    const electron = {
      contextBridge: {
        executeInMainWorld: ({ func, args }: { func: (...a: unknown[]) => unknown; args: unknown[] }) =>
          (runInContext(`(${func.toString()})`, page) as (...a: unknown[]) => unknown)(...args),
      },
      ipcRenderer: {
        on: () => {},
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, value: 'pong' };
        },
      },
    };
    const sandboxedRequire = (name: string): unknown => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    };
    const preloadWorld = createContext({ require: sandboxedRequire, module: { exports: {} }, exports: {} });
    runInContext(code, preloadWorld);

    expect(required).toEqual(['electron']);
    const api = (page as { switchboard?: { invoke(c: string, a: unknown): Promise<unknown> } }).switchboard;
    expect(api).toBeDefined();
    await expect(api!.invoke('app.status', {})).resolves.toBe('pong');
    expect(invoked).toEqual([[IPC_INVOKE, 'app.status', {}]]);
  });

  it('emits main as an ES module that leaves Electron and the native addons to be loaded at run time', () => {
    expect(mainFiles).toContain('index.js');
    expect(mainFiles.filter((f) => f.endsWith('.node'))).toEqual([]);
    const code = readFileSync(join(scratch, 'main', 'index.js'), 'utf8');
    expect(code).toMatch(/^import .* from "electron";$/m);
    expect(code).toMatch(/^import .* from "better-sqlite3";$/m);
    expect(code).toMatch(/^import .* from "@napi-rs\/keyring";$/m);
    expect(code).toContain('../preload/index.cjs');
  });

  it('bundles the search index worker, which indexes stored messages from its own thread', async () => {
    expect(mainFiles).toContain('search-index.js');
    const kit = agentKit();
    await kit.search.close();
    kit.db.exec('DETACH DATABASE search');
    const search = new SearchService(kit.db, { log: quietLog, workerEntry: join(scratch, 'main', 'search-index.js') });
    kit.agents.pipeline.write((w) => {
      w.session({ id: 's1', provider: 'claude', timestamp: new Date().toISOString() }, 'transcript');
      w.messages([{ id: 'm1', sessionId: 's1', provider: 'claude', timestamp: new Date().toISOString(), type: 'text', role: 'user', content: 'bundled worker pelican', raw: '{}' }]);
    });
    search.start();
    expect((await search.all('pelican')).messages.map((h) => h.messageId)).toEqual(['m1']);
    await search.close();
  });

  it('writes the renderer to out/renderer from renderer/, also when the CLI loads (bundles) the config', async () => {
    const loaded = await resolveConfig({ configFile: join(ROOT, 'electron.vite.config.ts'), logLevel: 'silent' }, 'build');
    const renderer = loaded.config!.renderer!;
    expect(renderer.root).toBe(join(ROOT, 'renderer'));
    expect(renderer.build?.outDir).toBe(join(ROOT, 'out', 'renderer'));
    expect(renderer.base).toBe('./');
  });
});
