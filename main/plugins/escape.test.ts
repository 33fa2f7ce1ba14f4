import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostMessage } from '../../app/plugin-protocol.ts';
import { childProcessLauncher, type PluginLauncher } from './launcher.ts';
import { eventually, probe, startPluginTest, type PluginTest, type ProbeResult } from './testing/harness.ts';

/**
 * Escape attempts, each run as a real plugin in a real sandboxed process.
 * Every attempt must fail, and where the attempt targets main (storage,
 * envelopes) main's state is checked too.
 */

const ROGUE_HOST = new URL('./fixtures/rogue-host.ts', import.meta.url).pathname;
const real = childProcessLauncher();
const rogue = childProcessLauncher(ROGUE_HOST);
/** Plugins whose id starts with "rogue" get the compromised host; the rest the real one. */
const launcher: PluginLauncher = {
  kind: 'test: real host, rogue host for rogue-* ids',
  launch: (spec) => (spec.pluginId.startsWith('rogue') ? rogue : real).launch(spec),
};

let t: PluginTest;
let n = 0;
beforeAll(() => {
  t = startPluginTest({ launcher });
});
afterAll(async () => {
  await t.close();
});

const run = (body: string, grants: Parameters<typeof probe>[3] = []): Promise<ProbeResult> => probe(t, `escape-${++n}`, body, grants);

/** The attempt ran and found nothing of the host. */
async function expectValue(body: string, value: unknown): Promise<void> {
  expect(await run(body)).toEqual({ ok: true, value });
}

/** The attempt threw; `pattern` says why. */
async function expectThrows(body: string, pattern: RegExp): Promise<void> {
  const result = await run(body);
  expect(result.ok).toBe(false);
  expect((result as { error: string }).error).toMatch(pattern);
}

describe('host globals are unreachable', () => {
  for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'Worker', 'importScripts', 'require', 'process', 'window', 'document', 'localStorage', 'Buffer', 'global', 'module']) {
    it(`${name} is not defined`, async () => {
      await expectValue(`return [typeof ${name}, typeof globalThis.${name}]`, ['undefined', 'undefined']);
    });
  }

  it("the compartment's globalThis is not the host's", async () => {
    await expectValue('return [typeof globalThis.process, Object.keys(globalThis).sort().join(",")]', ['undefined', 'agor,bt,clearInterval,clearTimeout,console,setInterval,setTimeout']);
  });
});

describe('eval and Function stay inside the compartment', () => {
  it('indirect eval cannot see process', async () => {
    await expectValue('return (0, eval)("typeof process")', 'undefined');
  });
  it('Function cannot see process', async () => {
    await expectValue('return Function("return typeof process")()', 'undefined');
  });
  it('Function("return this") returns the compartment global, not the host global', async () => {
    await expectValue('const g = Function("return this")(); return [g === globalThis || g === undefined, typeof (g || {}).process]', [true, 'undefined']);
  });
});

describe('constructor chains', () => {
  it('an API function\'s constructor cannot build functions', async () => {
    await expectThrows('return agor.tasks.list.constructor("return process")()', /not a valid constructor|not allowed|TypeError/i);
  });
  it('the constructor of a promise returned by the API leads nowhere', async () => {
    await expectThrows('return agor.storage.keys().constructor.constructor("return process")()', /not a valid constructor/i);
  });
  it('console.log.constructor', async () => {
    await expectThrows('return console.log.constructor("return process")()', /not a valid constructor/i);
  });
  it('setTimeout.constructor', async () => {
    await expectThrows('return setTimeout.constructor("return process")()', /not a valid constructor/i);
  });
  it('AsyncFunction from the prototype chain builds only compartment functions', async () => {
    await expectValue('const AF = Object.getPrototypeOf(async function () {}).constructor; try { return await AF("return typeof process")(); } catch (e) { return "refused"; }', expect.stringMatching(/^(undefined|refused)$/) as unknown as string);
  });
  it('GeneratorFunction from the prototype chain builds only compartment functions', async () => {
    await expectValue('const GF = Object.getPrototypeOf(function* () {}).constructor; try { return GF("yield typeof process")().next().value; } catch (e) { return "refused"; }', expect.stringMatching(/^(undefined|refused)$/) as unknown as string);
  });
  it('an error rejected by the API leads nowhere', async () => {
    await expectThrows('try { await agor.tasks.list(); } catch (err) { return err.constructor.constructor("return process")(); } return "not denied";', /not a valid constructor/i);
  });
  it('meta object chain', async () => {
    await expectThrows('return agor.meta.constructor.constructor("return process")()', /not a valid constructor/i);
  });
  it('a callback run by the host cannot reach its caller', async () => {
    await expectValue(
      'return await new Promise((resolve) => setTimeout(function cb() { let c; try { c = cb.caller; } catch (e) { return resolve("refused"); } resolve(c === undefined || c === null ? "nothing" : "leaked"); }, 0));',
      expect.stringMatching(/^(nothing|refused)$/) as unknown as string,
    );
  });
  it('arguments.callee is refused in strict mode', async () => {
    await expectThrows('return (function () { return arguments.callee; })()', /callee|strict|restricted/i);
  });
});

describe('prototype pollution of shared built-ins', () => {
  it('Object.prototype is frozen', async () => {
    await expectThrows('Object.prototype.polluted = 1; return ({}).polluted', /read.?only|not extensible|Cannot add property/i);
  });
  it('Array.prototype.push cannot be replaced', async () => {
    await expectThrows('Array.prototype.push = function () { return 0; }; return "replaced"', /read.?only|override|Cannot assign/i);
  });
  it('JSON.parse cannot be replaced', async () => {
    await expectThrows('JSON.parse = () => ({}); return "replaced"', /read.?only|Cannot assign/i);
  });
  it('Promise.prototype.then cannot be replaced', async () => {
    await expectThrows('Promise.prototype.then = () => 0; return "replaced"', /read.?only|Cannot assign/i);
  });
  it('a toJSON cannot be planted on Object.prototype', async () => {
    await expectThrows('Object.defineProperty(Object.prototype, "toJSON", { value: () => "pwned" }); return "planted"', /not extensible|Cannot define|Cannot add/i);
  });
  it('the API is frozen at every level', async () => {
    await expectValue(
      'const frozen = [agor, agor.storage, agor.tasks, agor.meta, bt, agor.palette].every(Object.isFrozen); try { agor.storage.get = () => 1; } catch (e) { return [frozen, "refused"]; } return [frozen, "replaced"];',
      [true, 'refused'],
    );
  });
  it('Error.prepareStackTrace cannot capture structured frames', async () => {
    await expectValue('let frames = null; try { Error.prepareStackTrace = (e, s) => { frames = s; return "x"; }; } catch (e) {} const stack = new Error("probe").stack; return [frames === null, typeof stack];', [true, 'string']);
  });
  it('Error.captureStackTrace gives nothing of the host', async () => {
    await expectValue('const o = {}; if (typeof Error.captureStackTrace === "function") Error.captureStackTrace(o); return typeof o.stack === "string" ? /process|node:internal/.test(o.stack) === false || o.stack.length === 0 : true;', true);
  });
});

describe('dynamic code', () => {
  it('import() in the plugin source stops it from loading, with the reason shown', async () => {
    await t.install({ id: 'escape-import', source: "import('node:fs').then((fs) => console.log(fs));" });
    const plugin = t.core.supervisor.list().find((p) => p.id === 'escape-import')!;
    expect(plugin.state).toBe('error');
    expect(plugin.stateReason).toMatch(/import/i);
  });
  it('import() through eval is refused', async () => {
    await expectThrows('return await (0, eval)("imp" + "ort(\'node:fs\')")', /import/i);
  });
  it('a direct eval in the source stops the plugin from loading', async () => {
    await expectThrows('return eval("typeof process")', /direct eval expression rejected/);
  });
  it('a string timer is refused', async () => {
    await expectThrows('setTimeout("globalThis.x = 1", 0); return "scheduled"', /takes a function; strings are never evaluated/);
  });
  it('a string interval is refused', async () => {
    await expectThrows('setInterval("1", 10); return "scheduled"', /takes a function; strings are never evaluated/);
  });
  it('with statements do not compile', async () => {
    await expectThrows('return Function("with ({}) { return typeof process; }")()', /strict|with/i);
  });
  it('Symbol.unscopables on the global does not reveal host bindings', async () => {
    await expectValue('try { globalThis[Symbol.unscopables] = { process: true, require: true }; } catch (e) {} return [typeof process, typeof require];', ['undefined', 'undefined']);
  });
});

describe('hostile values passed into the API', () => {
  it('a Proxy whose trap throws is refused with a clear message', async () => {
    await expectThrows('await agor.storage.set("k", new Proxy({}, { ownKeys() { throw new Error("trap"); } })); return "stored"', /plain data.*trap/);
  });
  it('a getter that changes its answer is read once: what main stores is the first read', async () => {
    const result = await run('let reads = 0; const v = { get x() { reads += 1; return reads; } }; await agor.storage.set("g", v); return [await agor.storage.get("g"), reads];');
    expect(result).toEqual({ ok: true, value: [{ x: 1 }, 1] });
  });
  it('a getter calling the API re-entrantly during serialization does not confuse the replies', async () => {
    await expectValue('const v = { get x() { agor.storage.set("inner", 2); return 1; } }; await agor.storage.set("outer", v); await new Promise((r) => setTimeout(r, 50)); return [await agor.storage.get("outer"), await agor.storage.get("inner")];', [{ x: 1 }, 2]);
  });
  it('a cyclic payload is refused', async () => {
    await expectThrows('const a = {}; a.self = a; await agor.storage.set("c", a); return "stored"', /plain data.*circular/i);
  });
  it('a huge payload is refused before it leaves the process', async () => {
    await expectThrows('await agor.storage.set("big", "x".repeat(2 * 1024 * 1024)); return "stored"', /too large/);
  });
  it('a value over the storage cap is refused by main', async () => {
    await expectThrows('await agor.storage.set("big", "x".repeat(100 * 1024)); return "stored"', /too large.*at most 65536/);
  });
  it('deeply nested data is refused by main and answered, not left hanging', async () => {
    await expectThrows('let v = 0; for (let i = 0; i < 100; i++) v = [v]; await agor.storage.set("deep", v); return "stored"', /nested deeper than 32/);
  });
  it('a BigInt is refused', async () => {
    await expectThrows('await agor.storage.set("b", 10n); return "stored"', /plain data.*BigInt/i);
  });
  it('a flood of calls is cut off and the app stays usable', async () => {
    const result = await run('const calls = []; for (let i = 0; i < 3000; i++) calls.push(agor.storage.keys().then(() => "ok", (e) => e.message)); const answers = await Promise.all(calls); return answers.find((a) => a !== "ok") || "none refused";');
    expect(result).toEqual({ ok: true, value: 'Too many requests: at most 1000 API calls a second' });
    expect(await t.services.dispatch('plugins.list', {})).toMatchObject({ ok: true });
  });
});

describe('flooding the user', () => {
  it('a plugin may raise at most 10 toasts a minute; the rest are refused and logged', async () => {
    const before = t.core.notifications.list().items.length;
    const result = await probe(t, 'toaster', 'const answers = []; for (let i = 0; i < 15; i++) answers.push(await agor.notifications.send("Hi", "toast " + i).then(() => "ok", (e) => e.message)); return answers;', ['notifications']);
    expect(result).toEqual({ ok: true, value: [...Array(10).fill('ok'), ...Array(5).fill('Too many notifications: at most 10 a minute')] });
    expect(t.core.notifications.list().items.length - before).toBe(10);
    expect(t.logText('toaster')).toContain('Too many notifications: at most 10 a minute; this one was dropped');
  });
});

describe("other plugins' storage", () => {
  it('keys that look like another plugin\'s prefix stay inside the caller\'s own store', async () => {
    t.core.supervisor.list();
    await probe(t, 'victim', 'await agor.storage.set("secret", "victim-secret"); return "saved";', [], { keepRunning: true });
    const result = await run(
      'await agor.storage.set("plugin:victim:kv:secret", "overwritten"); await agor.storage.set("../victim:kv:secret", "overwritten"); return [await agor.storage.get("plugin:victim:kv:secret"), await agor.storage.keys()];',
    );
    expect(result).toEqual({ ok: true, value: ['overwritten', ['../victim:kv:secret', 'plugin:victim:kv:secret']] });
    expect(t.core.db.prepare("SELECT value FROM plugin_kv WHERE key = 'plugin:victim:kv:secret'").pluck().get()).toBe('"victim-secret"');
    await t.core.supervisor.stop('victim', 'done');
  });
});

describe('forged envelopes from a compromised host', () => {
  async function rogueRun(id: string, script: unknown[]): Promise<{ answers: unknown[]; log: string }> {
    await t.install({ id, source: JSON.stringify(script), permissions: [] });
    await eventually(() => t.core.supervisor.list().find((p) => p.id === id)?.state === 'running', `${id} running`);
    // The rogue host answers the heartbeat; wait until main has answered every call it will answer.
    const expected = script.filter((s) => typeof s === 'string' && s.includes('"call"')).length;
    await eventually(() => t.logText(id).split('ANSWER ').length - 1 >= expected, `${id}: ${expected} answers`);
    const answers = t.core.supervisor
      .logs(id)
      .filter((l) => l.text.startsWith('ANSWER '))
      .map((l) => JSON.parse(l.text.slice('ANSWER '.length)) as unknown);
    const log = t.logText(id);
    await t.core.supervisor.stop(id, 'done');
    return { answers, log };
  }
  const call = (id: number, method: string, args: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ t: 'call', id, method, args, ...extra });

  it('a call claiming another plugin id is refused as malformed', async () => {
    const { answers, log } = await rogueRun('rogue-forged-id', [call(1, 'storage.set', { key: 'x', value: 1 }, { pluginId: 'victim' })]);
    expect(answers).toEqual([{ t: 'result', id: 1, ok: false, error: 'Refused: the request was not a protocol envelope (unknown type or fields)' }]);
    expect(log).toContain('Refused a malformed message');
    expect(t.audit('plugin_protocol_violation').some((r) => r.actor === 'plugin:rogue-forged-id')).toBe(true);
  });
  it('storage calls from a compromised host reach only its own keys', async () => {
    const { answers } = await rogueRun('rogue-storage', [call(1, 'storage.get', { key: 'secret' }), call(2, 'storage.keys', {})]);
    expect(answers).toEqual([
      { t: 'result', id: 1, ok: true, value: null },
      { t: 'result', id: 2, ok: true, value: [] },
    ]);
  });
  it('a call for a permission never granted is denied whatever the host announces', async () => {
    const { answers, log } = await rogueRun('rogue-perm', [call(1, 'tasks.create', { title: 'pwned', description: '' })]);
    expect(answers).toEqual([{ t: 'result', id: 1, ok: false, error: "Permission 'tasks' not granted to rogue-perm" }]);
    expect(log).toContain("Permission 'tasks' not granted to rogue-perm");
    expect(t.core.tasks.list().some((task) => task.title === 'pwned')).toBe(false);
  });
  it('an unknown method, including prototype names, is refused', async () => {
    const { answers } = await rogueRun('rogue-method', [call(1, '__proto__', {}), call(2, 'constructor', {}), call(3, 'db.exec', { sql: 'DROP TABLE plugins' })]);
    expect(answers).toEqual([
      { t: 'result', id: 1, ok: false, error: 'There is no API method "__proto__"' },
      { t: 'result', id: 2, ok: false, error: 'There is no API method "constructor"' },
      { t: 'result', id: 3, ok: false, error: 'There is no API method "db.exec"' },
    ]);
    expect(t.core.plugins.list().length).toBeGreaterThan(0);
  });
  it('arguments with extra fields (a __proto__ key) are refused', async () => {
    const { answers } = await rogueRun('rogue-args', ['{"t":"call","id":1,"method":"storage.get","args":{"key":"k","__proto__":{"admin":true}}}']);
    expect(answers).toEqual([{ t: 'result', id: 1, ok: false, error: expect.stringMatching(/invalid arguments for storage.get/) }]);
  });
  it('non-text, non-JSON and oversized messages are refused and logged', async () => {
    const { log } = await rogueRun('rogue-junk', [{ t: 'call', id: 1, method: 'storage.keys', args: {} }, 'not json {', 'x'.repeat(1024 * 1024 + 10)]);
    expect(log).toContain('expected JSON text, got object');
    expect(log).toContain('not valid JSON');
    expect(log).toMatch(/more than the 1048576 allowed/);
  });
  it('replies to requests main never made are ignored, and an invented envelope type is refused', async () => {
    const { log } = await rogueRun('rogue-reply', [JSON.stringify({ t: 'reply', id: 4242, ok: true, value: 'x' }), JSON.stringify({ t: 'grant', permission: 'tasks' })]);
    expect(log).toContain('not a protocol envelope');
    expect(t.core.plugins.grants('rogue-reply')).toEqual([]);
  });
  it('commands announced in the handshake but never registered through a checked call do not reach the palette', async () => {
    await t.install({ id: 'rogue-ready', source: '[]', permissions: ['palette'] });
    await eventually(() => t.core.supervisor.isRunning('rogue-ready'), 'rogue-ready running');
    expect(t.core.supervisor.palette().filter((c) => c.pluginId === 'rogue-ready')).toEqual([]);
    await t.core.supervisor.stop('rogue-ready', 'done');
  });
  it('a huge log line is refused', async () => {
    const { log } = await rogueRun('rogue-log', [JSON.stringify({ t: 'log', level: 'info', text: 'y'.repeat(20_000) } satisfies HostMessage)]);
    expect(log).toContain('not a protocol envelope');
    expect(log).not.toContain('y'.repeat(20_000));
  });
});
