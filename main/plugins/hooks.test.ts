import { afterEach, describe, expect, it } from 'vitest';
import { startPluginTest, type PluginTest } from './testing/harness.ts';

let t: PluginTest | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function withHooks(plugins: { id: string; source: string; failure?: 'open' | 'closed'; grants?: ('hooks' | 'palette')[] }[]): Promise<PluginTest> {
  t = startPluginTest();
  for (const p of plugins) {
    await t.install({ id: p.id, source: p.source, permissions: p.grants ?? ['hooks'], ...(p.failure ? { manifest: { hooks: { failure: p.failure } } } : {}) });
  }
  return t;
}

describe('runHooks', () => {
  it('with no hooks, a prompt passes through unchanged', async () => {
    const t = await withHooks([]);
    expect(await t.core.supervisor.runHooks('pre_flight', 'hello')).toEqual({ action: 'passthrough', body: 'hello', metadata: {} });
  });

  it('runs the chain in priority order, each seeing the previous body and the shared metadata', async () => {
    const t = await withHooks([
      { id: 'late', source: 'agor.hooks.register("pre_flight", function (ctx) { ctx.metadata.order.push("late"); return ctx.body + " [late]"; }, { priority: 200, timeoutMs: 1000 });' },
      {
        id: 'early',
        source:
          'agor.hooks.register("pre_flight", function (ctx) { ctx.metadata.order = ["early"]; return { action: "modify", body: ctx.body.toUpperCase() }; }, { priority: 10, timeoutMs: 1000 });\n' +
          'agor.hooks.register("post_flight", function () { return { action: "modify", body: "never for pre_flight" }; });',
      },
      { id: 'middle', source: 'agor.hooks.register("pre_flight", async function (ctx) { await null; ctx.metadata.order.push("middle"); }, { timeoutMs: 1000 });' },
    ]);
    expect(await t.core.supervisor.runHooks('pre_flight', 'fix the bug')).toEqual({
      action: 'modify',
      body: 'FIX THE BUG [late]',
      metadata: { order: ['early', 'middle', 'late'] },
    });
  });

  it('a block stops the chain and says which plugin blocked', async () => {
    const t = await withHooks([
      { id: 'guard', source: 'agor.hooks.register("pre_flight", function (ctx) { if (/password/.test(ctx.body)) return { action: "block", status: 422, errorType: "secret_in_prompt", message: "The prompt contains a password" }; }, { priority: 1, timeoutMs: 1000 });' },
      { id: 'after', source: 'agor.hooks.register("pre_flight", function () { return "should not run"; }, { priority: 5, timeoutMs: 1000 });' },
    ]);
    expect(await t.core.supervisor.runHooks('pre_flight', 'my password is hunter2')).toEqual({
      action: 'block',
      status: 422,
      errorType: 'secret_in_prompt',
      message: 'The prompt contains a password',
      pluginId: 'guard',
      metadata: {},
    });
    expect(await t.core.supervisor.runHooks('pre_flight', 'harmless')).toMatchObject({ action: 'modify', body: 'should not run' });
  });

  it('a hook that times out or throws is skipped (fail-open) and the log says so', async () => {
    const t = await withHooks([
      { id: 'slow', source: 'agor.hooks.register("post_flight", function () { return new Promise(function (r) { setTimeout(r, 5000); }); }, { timeoutMs: 20 });' },
      { id: 'broken', source: 'agor.hooks.register("post_flight", function () { throw new Error("bad hook"); }, { timeoutMs: 1000 });' },
      { id: 'fine', source: 'agor.hooks.register("post_flight", function (ctx) { return ctx.body + "!"; }, { priority: 500, timeoutMs: 1000 });' },
    ]);
    expect(await t.core.supervisor.runHooks('post_flight', 'done')).toMatchObject({ action: 'modify', body: 'done!' });
    expect(t.logText('slow')).toContain('The post_flight hook timed out after 20 ms; skipped');
    expect(t.logText('broken')).toContain('The post_flight hook failed: bad hook; skipped');
    expect(t.core.supervisor.isRunning('slow')).toBe(true);
  });

  it('a hook whose manifest asks for fail-closed blocks when it fails', async () => {
    const t = await withHooks([{ id: 'strict', failure: 'closed', source: 'agor.hooks.register("pre_flight", function () { throw new Error("scanner offline"); }, { timeoutMs: 1000 });' }]);
    expect(await t.core.supervisor.runHooks('pre_flight', 'deploy')).toEqual({
      action: 'block',
      status: 503,
      errorType: 'hook_failed',
      message: "strict plugin's pre_flight hook failed: scanner offline",
      pluginId: 'strict',
      metadata: {},
    });
  });

  it('refuses a timeout above 1000 ms, and a plugin without the hooks grant is never called', async () => {
    const t = await withHooks([
      { id: 'greedy', source: 'agor.hooks.register("pre_flight", function () {}, { timeoutMs: 5000 }).catch(function (e) { console.log(e.message); });' },
      { id: 'ungranted', grants: ['palette'], source: 'agor.hooks.register("pre_flight", function () { return "hijacked"; });' },
    ]);
    expect(t.logText('greedy')).toContain("A hook's timeoutMs must be a whole number from 1 to 1000");
    expect(t.logText('ungranted')).toContain("Permission 'hooks' not granted to ungranted");
    expect(await t.core.supervisor.runHooks('pre_flight', 'hello')).toEqual({ action: 'passthrough', body: 'hello', metadata: {} });
  });
});
