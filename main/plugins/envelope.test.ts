import { describe, expect, it } from 'vitest';
import { checkCallArgs, checkHostMessage, checkPanel } from './envelope.ts';

describe('envelopes from a plugin process', () => {
  it('accepts a well-formed call', () => {
    expect(checkHostMessage(JSON.stringify({ t: 'call', id: 1, method: 'storage.get', args: { key: 'k' } }))).toEqual({
      ok: true,
      value: { t: 'call', id: 1, method: 'storage.get', args: { key: 'k' } },
    });
  });

  it.each([
    ['an object instead of text', { t: 'call' }, /expected JSON text, got object/],
    ['broken JSON', '{"t":', /not valid JSON/],
    ['a negative id', JSON.stringify({ t: 'call', id: -1, method: 'x', args: {} }), /not a protocol envelope/],
    ['too many values', JSON.stringify({ t: 'log', level: 'info', text: 'x', extra: new Array(30_000).fill(0) }), /more than 20000 values/],
    ['a forged plugin id', JSON.stringify({ t: 'call', id: 2, method: 'storage.get', args: { key: 'k' }, pluginId: 'other' }), /not a protocol envelope/],
  ])('refuses %s', (_what, raw, reason) => {
    const checked = checkHostMessage(raw);
    expect(checked.ok).toBe(false);
    expect((checked as { reason: string }).reason).toMatch(reason);
  });

  it('keeps the id of a refused call so it can still be answered', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(checkHostMessage(JSON.stringify({ t: 'call', id: 7, method: 'storage.set', args: { key: 'k', value: deep } }))).toEqual({
      ok: false,
      reason: 'nested deeper than 32 levels',
      callId: 7,
    });
  });

  it('checks each method\'s arguments', () => {
    expect(checkCallArgs('tasks.create', { title: 'a', description: 'b' })).toBeNull();
    expect(checkCallArgs('hooks.register', { key: 1, stage: 'mid_flight', priority: 1, timeoutMs: 50 })).toMatch(/invalid arguments for hooks.register/);
    expect(checkCallArgs('hooks.register', { key: 1, stage: 'pre_flight', priority: 1, timeoutMs: 5000 })).toMatch(/timeoutMs/);
  });
});

describe('panels', () => {
  it.each([
    [{ type: 'markdown', markdown: '# Title' }],
    [{ type: 'table', columns: ['a'], rows: [[1], ['x'], [null]] }],
    [{ type: 'diff', diff: '--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n' }],
    [{ type: 'sparkline', values: [1, 2, 3], label: 'per hour' }],
  ])('accepts %j', (panel) => {
    expect(checkPanel(panel)).toEqual({ ok: true, value: panel });
  });

  it.each([
    [{ type: 'html', html: '<script>' }, /A panel is \{type: "markdown" \| "table" \| "diff" \| "sparkline"/],
    [{ type: 'markdown', markdown: '# x', html: '<b>' }, /A markdown panel must look like/],
    [{ type: 'table', columns: [], rows: [] }, /A table panel must look like/],
    [{ type: 'table', columns: ['a'], rows: [[{ nested: true }]] }, /A table panel must look like/],
    [{ type: 'sparkline', values: ['1'] }, /A sparkline panel must look like/],
  ])('refuses %j with the shape it should have', (panel, reason) => {
    const checked = checkPanel(panel);
    expect(checked.ok).toBe(false);
    expect((checked as { reason: string }).reason).toMatch(reason);
  });
});
