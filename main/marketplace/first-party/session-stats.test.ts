import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFirstPartyKit, tableOf, markdownOf, eventually, type FirstPartyKit } from './kit.ts';

const SESSION = '7d0c2a51-3b8e-4f6a-9c1d-2e5f8a9b0c11';
const TRANSCRIPT = join('.claude', 'projects', '-home-dev-shop', `${SESSION}.jsonl`);

let kit: FirstPartyKit;
afterEach(() => kit?.close());

const cost = (usd: number | null, decimals = 2) => `≈$${usd!.toFixed(decimals)}`;

describe('Session Stats, installed from the built-in catalog', () => {
  it('shows the live session\'s tokens, cost and turns in the status bar and its panel, and follows new messages', async () => {
    kit = startFirstPartyKit();
    const { permissions } = await kit.install('session-stats');
    expect(permissions.sort()).toEqual(['events', 'messages', 'panels', 'sessions', 'settings', 'status']);
    await kit.panelWhere('session-stats', (p) => markdownOf(p).includes('No session to show yet'), 'the empty state');
    expect(kit.status('session-stats')).toBeNull();

    kit.importTranscripts('claude', { live: true });
    const session = kit.core.agents.store.getSession(SESSION)!;
    expect(session.inputTokens).toBe(35_280);
    const expected = `35k in · 1.1k out · ${cost(session.costUsd)}`;
    await eventually(() => kit.status('session-stats')?.text === expected || undefined, `status "${expected}"`);
    expect(kit.status('session-stats')!.tooltip).toBe('Add input validation to the checkout form · 1 turns');
    // The plugin sets its status, then its panel: two messages, the panel just after.
    const panel = await kit.panelWhere('session-stats', (p) => p.title === 'Add input validation to the checkout form', "the session's panel");
    expect(tableOf(panel, 'Add input validation to the checkout form')).toEqual([
      ['Measure', 'Value'],
      ['Input tokens', '35,280'],
      ['Cache reads (part of input)', String(session.cacheReadTokens).replace(/\B(?=(\d{3})+(?!\d))/g, ',')],
      ['Cache writes (part of input)', String(session.cacheWriteTokens).replace(/\B(?=(\d{3})+(?!\d))/g, ',')],
      ['Output tokens', '1,115'],
      ['Cost', `${cost(session.costUsd)} (estimated from prices)`],
      ['Turns', 1],
      ['Tool calls', 4],
      ['Model', 'claude-sonnet-4-20250514'],
      ['Status', 'running'],
    ]);

    // The agent answers again: the same session grows and the readout follows. (The fixture ends in a cut-off line; the new record starts a line of its own.)
    const at = new Date().toISOString();
    appendFileSync(
      join(kit.home, TRANSCRIPT),
      `\n${JSON.stringify({
        parentUuid: null, isSidechain: false, type: 'assistant', sessionId: SESSION, cwd: '/home/dev/shop', uuid: 'e0f1a2b3-0000-4000-8000-000000000099', timestamp: at,
        message: { id: 'msg_live_01', role: 'assistant', model: 'claude-sonnet-4-20250514', content: [{ type: 'text', text: 'One more thing.' }], usage: { input_tokens: 20_000, output_tokens: 900 } },
      })}\n`,
    );
    kit.core.agents.sources.scan();
    const grown = kit.core.agents.store.getSession(SESSION)!;
    expect(grown.inputTokens).toBe(55_280);
    const next = `55k in · 2k out · ${cost(grown.costUsd)}`;
    await eventually(() => kit.status('session-stats')?.text === next || undefined, `status "${next}"`);
    const grownPanel = await kit.panelWhere('session-stats', (p) => tableOf(p, 'Add input validation to the checkout form')?.[1]?.[1] === '55,280', 'the panel to show 55,280 input tokens');
    expect(tableOf(grownPanel, 'Add input validation to the checkout form')![1]).toEqual(['Input tokens', '55,280']);
  });

  it('checks its settings and shows the readout the user chose', async () => {
    kit = startFirstPartyKit();
    await kit.install('session-stats');
    const refused = await kit.call<{ saved: boolean; errors: Record<string, string> }>('plugins.updateSettings', { id: 'session-stats', values: { decimals: 7, statusFormat: 'everything' } });
    expect(refused.saved).toBe(false);
    expect(Object.keys(refused.errors).sort()).toEqual(['decimals', 'statusFormat']);
    expect(refused.errors.decimals).toMatch(/2.*4/);
    expect(refused.errors.statusFormat).toMatch(/tokens_cost, tokens, cost/);

    expect((await kit.call<{ saved: boolean }>('plugins.updateSettings', { id: 'session-stats', values: { statusFormat: 'cost', decimals: 4 } })).saved).toBe(true);
    kit.importTranscripts('claude', { live: true });
    const session = kit.core.agents.store.getSession(SESSION)!;
    await eventually(() => kit.status('session-stats')?.text === cost(session.costUsd, 4) || undefined, 'the cost-only readout');
    // Saving the form redraws at once, without waiting for the session's next message.
    await kit.call('plugins.updateSettings', { id: 'session-stats', values: { statusFormat: 'tokens' } });
    await eventually(() => kit.status('session-stats')?.text === '35k in · 1.1k out' || undefined, 'the tokens-only readout');
  });

  it('shows the session open in the window rather than the latest one', async () => {
    kit = startFirstPartyKit();
    kit.importTranscripts('codex');
    const codex = kit.core.agents.store.listSessions({ limit: 1 })[0]!;
    await kit.call('plugins.setViewContext', { sessionId: codex.id, projectId: null });
    await kit.install('session-stats');
    kit.importTranscripts('claude', { live: true });
    await kit.panelWhere('session-stats', (p) => p.title === codex.title, 'the open Codex session');
    expect(kit.status('session-stats')!.tooltip).toContain(codex.title);
    // Opening another session in the window switches the readout at once.
    await kit.call('plugins.setViewContext', { sessionId: SESSION, projectId: null });
    await kit.panelWhere('session-stats', (p) => p.title === 'Add input validation to the checkout form', 'the newly opened session');
    expect(kit.status('session-stats')!.text).toMatch(/^35k in · 1\.1k out · ≈\$/);
  });
});
