import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blocksOf, markdownOf, startFirstPartyKit, tableOf, type FirstPartyKit } from './kit.ts';

let kit: FirstPartyKit;
afterEach(() => kit?.close());

const MINUTE = 60_000;

/** A Claude Code transcript whose messages are `minutes` after `start`, alternating user and assistant. */
function transcript(k: FirstPartyKit, id: string, cwd: string, title: string, start: Date, minutes: number[]): void {
  const dir = join(k.home, '.claude', 'projects', `-${id.slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  const lines = minutes.map((m, n) =>
    JSON.stringify({
      parentUuid: null, isSidechain: false, type: n % 2 ? 'assistant' : 'user', sessionId: id, cwd, gitBranch: 'main',
      uuid: `${id.slice(0, 8)}-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
      timestamp: new Date(start.getTime() + m * MINUTE).toISOString(),
      message: n % 2
        ? { id: `msg_${id.slice(0, 4)}_${n}`, role: 'assistant', model: 'claude-sonnet-4-20250514', content: [{ type: 'text', text: `Step ${n}` }], usage: { input_tokens: 10, output_tokens: 5 } }
        : { role: 'user', content: n === 0 ? title : `Go on (${n})` },
    }),
  );
  writeFileSync(join(dir, `${id}.jsonl`), `${lines.join('\n')}\n`);
}

const noonDaysAgo = (days: number) => {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - days, 12, 0, 0);
};
const dayName = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

describe('Time Tracker, installed from the built-in catalog', () => {
  it('adds up active time per session, project and day, leaving out pauses over the idle setting', async () => {
    kit = startFirstPartyKit();
    const shop = kit.addProject('Shop', { git: false });
    const api = kit.addProject('Api', { git: false });
    const yesterday = noonDaysAgo(1);
    const dayBefore = noonDaysAgo(2);
    // 2 + 2 min of work, a 26 min pause, 3 more minutes.
    transcript(kit, 'a1000000-0000-4000-8000-000000000001', shop.path, 'Validate the checkout form', yesterday, [0, 2, 4, 30, 33]);
    transcript(kit, 'b2000000-0000-4000-8000-000000000002', api.path, 'Speed up the orders query', dayBefore, [0, 5, 10]);
    kit.core.agents.sources.scan();

    const { permissions } = await kit.install('time-tracker');
    expect(permissions.sort()).toEqual(['events', 'panels', 'sessions', 'settings']);
    const panel = await kit.panelWhere('time-tracker', (p) => blocksOf(p).some((b) => b.type === 'sparkline'), 'the summary');
    expect(markdownOf(panel)).toBe('**Today: 0 min** · last 14 days: 17 min · pauses over 5 min left out');
    const sparkline = blocksOf(panel).find((b) => b.type === 'sparkline')!;
    expect(sparkline).toEqual({ type: 'sparkline', title: 'Minutes per day', values: [...Array(11).fill(0), 10, 7, 0], label: `${dayName(noonDaysAgo(13))} to ${dayName(noonDaysAgo(0))}` });
    expect(tableOf(panel, 'Daily summary')).toEqual([
      ['Day', 'Active time', 'Sessions'],
      [dayName(yesterday), '7 min', 1],
      [dayName(dayBefore), '10 min', 1],
    ]);
    expect(tableOf(panel, 'Per project')).toEqual([
      ['Project', 'Active time', 'Sessions'],
      ['Api', '10 min', 1],
      ['Shop', '7 min', 1],
    ]);
    expect(tableOf(panel, 'Per session')).toEqual([
      ['Session', 'Project', 'Active time', 'Idle left out'],
      ['Speed up the orders query', 'Api', '10 min', '0 min'],
      ['Validate the checkout form', 'Shop', '7 min', '26 min'],
    ]);

    // A longer idle threshold counts the 26 minutes as work.
    const refused = await kit.call<{ saved: boolean; errors: Record<string, string> }>('plugins.updateSettings', { id: 'time-tracker', values: { idleMinutes: 0 } });
    expect(refused.errors.idleMinutes).toMatch(/1.*240/);
    await kit.call('plugins.updateSettings', { id: 'time-tracker', values: { idleMinutes: 30, days: 2 } });
    expect(await kit.act('time-tracker', 'refresh', {}, 'refresh')).toEqual({ ok: true });
    const wider = kit.panel('time-tracker');
    expect(markdownOf(wider)).toBe('**Today: 0 min** · last 2 days: 33 min · pauses over 30 min left out');
    expect(tableOf(wider, 'Per session')).toEqual([
      ['Session', 'Project', 'Active time', 'Idle left out'],
      ['Validate the checkout form', 'Shop', '33 min', '0 min'],
    ]);
    expect(blocksOf(wider).find((b) => b.type === 'sparkline')).toMatchObject({ values: [33, 0] });
  });
});
