import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, markdownOf, startFirstPartyKit, tableOf, type FirstPartyKit } from './kit.ts';

const CLAUDE = '7d0c2a51-3b8e-4f6a-9c1d-2e5f8a9b0c11';
const BIG = 'd4000000-0000-4000-8000-000000000004';
const DAY_MS = 86_400_000;

let kit: FirstPartyKit;
afterEach(() => kit?.close());

const dataFolder = (k: FirstPartyKit) => join(k.dataDir, 'plugin-data', 'agent-logger');
const logNames = (k: FirstPartyKit) => (existsSync(dataFolder(k)) ? readdirSync(dataFolder(k)).sort() : []);
const logLines = (k: FirstPartyKit, name: string) => readFileSync(join(dataFolder(k), name), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
/** Lines written in full so far: the plugin may be in the middle of appending the next one, which is not JSON yet. */
const completeLines = (k: FirstPartyKit, name: string) => (existsSync(join(dataFolder(k), name)) ? readFileSync(join(dataFolder(k), name), 'utf8').split('\n').length - 1 : 0);
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A live Claude Code session with four 100,000-character messages on each of the last three days. */
function bigTranscript(k: FirstPartyKit): string[] {
  const dir = join(k.home, '.claude', 'projects', '-home-dev-big');
  mkdirSync(dir, { recursive: true });
  const now = Date.now() - 10_000;
  const lines: string[] = [];
  const days: string[] = [];
  for (let d = 2; d >= 0; d--) {
    days.push(utcDay(now - d * DAY_MS));
    for (let n = 0; n < 4; n++) {
      const i = lines.length;
      const at = new Date(now - d * DAY_MS - (3 - n) * 1000).toISOString();
      lines.push(JSON.stringify({
        parentUuid: null, isSidechain: false, type: i % 2 ? 'assistant' : 'user', sessionId: BIG, cwd: '/home/dev/big',
        uuid: `d4000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, timestamp: at,
        message: i % 2
          ? { id: `msg_big_${i}`, role: 'assistant', model: 'claude-sonnet-4-20250514', content: [{ type: 'text', text: String(i % 10).repeat(100_000) }], usage: { input_tokens: 10, output_tokens: 5 } }
          : { role: 'user', content: String(i % 10).repeat(100_000) },
      }));
    }
  }
  writeFileSync(join(dir, `${BIG}.jsonl`), `${lines.join('\n')}\n`);
  return days;
}

describe('Agent Logger, installed from the built-in catalog', () => {
  it('writes the live session\'s messages to the day\'s JSON Lines file and exports them through the save dialog', async () => {
    kit = startFirstPartyKit();
    const { permissions } = await kit.install('agent-logger');
    expect(permissions.sort()).toEqual(['files', 'messages', 'palette', 'panels', 'settings']);
    kit.importTranscripts('claude', { live: true });
    // The main conversation, and its subagent's in a session of its own.
    const messages = [...kit.core.agents.store.messages(CLAUDE), ...kit.core.agents.store.messages(`${CLAUDE}:agent-a7c3e91`)].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    expect(messages).toHaveLength(15);
    const logged = messages.filter((m) => m.type !== 'thinking');
    const day = utcDay(Date.parse(messages.at(-1)!.timestamp));
    const name = `agent-${day}.jsonl`;
    await eventually(() => logNames(kit).includes(name) && completeLines(kit, name) === logged.length, 'the log file');
    const lines = logLines(kit, name);
    // In the order they arrived: the subagent's transcript is read after the main one.
    const byTime = (a: unknown[], b: unknown[]) => String(a[1]).localeCompare(String(b[1]));
    expect(lines.map((l) => [l.sessionId, l.timestamp, l.type, l.role, l.content]).sort(byTime)).toEqual(logged.map((m) => [m.sessionId, m.timestamp, m.type, m.role, m.content]));
    expect(lines.find((l) => l.type === 'tool_call' && (l.tool as { name: string }).name === 'Edit')).toMatchObject({ provider: 'claude', tool: { id: 'toolu_02Edit', input: { file_path: '/home/dev/shop/src/checkout.ts' } } });
    expect(lines.find((l) => l.type === 'tool_result' && (l.result as { isError: boolean }).isError)).toMatchObject({ result: { toolCallId: 'toolu_03Bash', isError: true } });
    await kit.panelWhere('agent-logger', (p) => markdownOf(p).startsWith(`**${logged.length} messages** logged since start`), 'the count on its page');
    expect(tableOf(kit.panel('agent-logger'), 'Log files')!.map((r) => r[0])).toEqual(['File', name]);

    const exported = kit.answerSave('my-log.jsonl')!;
    const command = (await kit.call<{ commands: { id: string; label: string }[] }>('palette.list', {})).commands.find((c) => c.label === 'Export log…')!;
    await kit.call('palette.run', { commandId: command.id });
    expect(kit.saveRequests).toEqual([{ pluginName: 'Agent Logger', suggestedName: `agent-log-${day}-to-${day}.jsonl`, mimeType: 'application/x-ndjson' }]);
    expect(readFileSync(exported)).toEqual(readFileSync(join(dataFolder(kit), name)));
  });

  it('keeps one file per day in parts of at most 256 KB, removes the oldest day past the size cap, and exports one day', async () => {
    kit = startFirstPartyKit();
    await kit.install('agent-logger');
    const refused = await kit.call<{ saved: boolean; errors: Record<string, string> }>('plugins.updateSettings', { id: 'agent-logger', values: { maxMegabytes: 0 } });
    expect(refused.errors.maxMegabytes).toMatch(/1.*45/);
    await kit.call('plugins.updateSettings', { id: 'agent-logger', values: { maxMegabytes: 1, maxContentChars: 100_000 } });

    const [oldest, middle, today] = bigTranscript(kit);
    kit.core.agents.sources.scan();
    // 12 lines of about 100 KB against a 1 MB cap: the oldest day goes, two parts of two lines remain per day.
    const expected = [`agent-${middle}.2.jsonl`, `agent-${middle}.jsonl`, `agent-${today}.2.jsonl`, `agent-${today}.jsonl`];
    await eventually(() => JSON.stringify(logNames(kit)) === JSON.stringify(expected) && completeLines(kit, `agent-${today}.2.jsonl`) === 2, 'two days in parts');
    expect(logNames(kit).some((n) => n.includes(oldest!))).toBe(false);
    for (const file of expected) {
      expect(logLines(kit, file)).toHaveLength(2);
      expect(readFileSync(join(dataFolder(kit), file)).length).toBeLessThanOrEqual(256 * 1024);
    }
    expect(logLines(kit, `agent-${today}.jsonl`).map((l) => (l.content as string).length)).toEqual([100_000, 100_000]);
    await kit.panelWhere('agent-logger', (p) => markdownOf(p).startsWith('**12 messages** logged since start'), 'the count');

    // Every kept day, about 800 KB: more than one message to main may carry, so main joins the files.
    const everything = kit.answerSave('everything.jsonl')!;
    const command = (await kit.call<{ commands: { id: string; label: string }[] }>('palette.list', {})).commands.find((c) => c.label === 'Export log…')!;
    await kit.call('palette.run', { commandId: command.id });
    expect(kit.saveRequests.at(-1)!.suggestedName).toBe(`agent-log-${middle}-to-${today}.jsonl`);
    const inOrder = [`agent-${middle}.jsonl`, `agent-${middle}.2.jsonl`, `agent-${today}.jsonl`, `agent-${today}.2.jsonl`];
    expect(readFileSync(everything)).toEqual(Buffer.concat(inOrder.map((f) => readFileSync(join(dataFolder(kit), f)))));
    expect(readFileSync(everything).length).toBeGreaterThan(512 * 1024);

    const exported = kit.answerSave('today.jsonl')!;
    expect(await kit.act('agent-logger', 'export', { day: today! })).toEqual({ ok: true });
    expect(kit.saveRequests.at(-1)!.suggestedName).toBe(`agent-log-${today}.jsonl`);
    expect(readFileSync(exported)).toEqual(Buffer.concat([readFileSync(join(dataFolder(kit), `agent-${today}.jsonl`)), readFileSync(join(dataFolder(kit), `agent-${today}.2.jsonl`))]));
    expect(await kit.act('agent-logger', 'export', { day: oldest! })).toEqual({ ok: false, error: `Nothing is logged for ${oldest}` });
  });
});
