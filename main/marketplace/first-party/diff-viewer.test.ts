import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PanelBlockValue } from '../../../app/contract/plugins.ts';
import { blocksOf, markdownOf, startFirstPartyKit, type FirstPartyKit } from './kit.ts';

const CLAUDE = '7d0c2a51-3b8e-4f6a-9c1d-2e5f8a9b0c11';
const CODEX = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const MULTI = 'c3000000-0000-4000-8000-000000000003';

let kit: FirstPartyKit;
afterEach(() => kit?.close());

type ListBlock = Extract<PanelBlockValue, { type: 'list' }>;
type DiffBlock = Extract<PanelBlockValue, { type: 'diff' }>;
const files = (k: FirstPartyKit) => blocksOf(k.panel('diff-viewer')).find((b): b is ListBlock => b.type === 'list')!;
const diffs = (k: FirstPartyKit) => blocksOf(k.panel('diff-viewer')).filter((b): b is DiffBlock => b.type === 'diff');

/** A Claude Code session whose only change is one MultiEdit of two places in a Python file. */
function multiEditTranscript(k: FirstPartyKit): void {
  const dir = join(k.home, '.claude', 'projects', '-home-dev-tools');
  mkdirSync(dir, { recursive: true });
  const base = { parentUuid: null, isSidechain: false, sessionId: MULTI, cwd: '/home/dev/tools', gitBranch: 'main' };
  const lines = [
    { ...base, type: 'user', uuid: 'c3000000-0000-4000-8000-000000000101', timestamp: '2025-06-03T09:00:00.000Z', message: { role: 'user', content: 'Rename fetch to load in tools/sync.py' } },
    {
      ...base, type: 'assistant', uuid: 'c3000000-0000-4000-8000-000000000102', timestamp: '2025-06-03T09:00:05.000Z',
      message: {
        id: 'msg_multi_1', role: 'assistant', model: 'claude-sonnet-4-20250514', usage: { input_tokens: 100, output_tokens: 40 },
        content: [{ type: 'tool_use', id: 'toolu_multi', name: 'MultiEdit', input: { file_path: '/home/dev/tools/sync.py', edits: [
          { old_string: 'def fetch(url):\n    return get(url)', new_string: 'def load(url):\n    return get(url)' },
          { old_string: 'data = fetch(URL)', new_string: 'data = load(URL)\nprint(len(data))' },
        ] } }],
      },
    },
  ];
  writeFileSync(join(dir, `${MULTI}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}

describe('Diff Viewer, installed from the built-in catalog', () => {
  it('shows every Edit and Write of an imported Claude Code session as unified diffs, file by file, highlighted by language', async () => {
    kit = startFirstPartyKit();
    kit.importTranscripts('claude');
    await kit.call('plugins.setViewContext', { sessionId: CLAUDE, projectId: null });
    const { permissions } = await kit.install('diff-viewer');
    expect(permissions.sort()).toEqual(['panels', 'sessions', 'settings']);
    await kit.panelWhere('diff-viewer', (p) => blocksOf(p).some((b) => b.type === 'diff'), 'the diffs');

    expect(files(kit)).toMatchObject({
      title: '2 files changed',
      items: [
        { title: '/home/dev/shop/src/checkout.ts', subtitle: 'Edit', badge: '+1 −0' },
        { title: '/home/dev/shop/src/validate.ts', subtitle: 'Write', badge: expect.stringMatching(/^\+\d+ −0$/) },
      ],
    });
    const [edit, write] = diffs(kit);
    expect(edit).toEqual({
      type: 'diff',
      title: '/home/dev/shop/src/checkout.ts',
      language: 'typescript',
      diff: [
        '--- a/home/dev/shop/src/checkout.ts',
        '+++ b/home/dev/shop/src/checkout.ts',
        '@@ -1,2 +1,3 @@',
        ' export function submit(form: Form) {',
        '+  validateCard(form.card);',
        "   return api.post('/orders', form);",
        '',
      ].join('\n'),
    });
    const written = kit.core.agents.store.messages(CLAUDE).find((m) => m.tool_call?.name === 'Write')!.tool_call!.input as { content: string };
    const added = written.content.replace(/\n$/, '').split('\n');
    expect(write!.diff).toBe(['--- /dev/null', '+++ b/home/dev/shop/src/validate.ts', `@@ -0,0 +1,${added.length} @@`, ...added.map((l) => `+${l}`), ''].join('\n'));
    expect(added[0]).toBe('export function validateCard(card: string): void {');

    // One file at a time, then all of them again.
    await kit.act('diff-viewer', 'files', { item: files(kit).items[1]!.id }, 'show');
    expect(diffs(kit).map((d) => d.title)).toEqual(['/home/dev/shop/src/validate.ts']);
    await kit.act('diff-viewer', 'all', {}, 'all');
    expect(diffs(kit)).toHaveLength(2);
  });

  it('reads apply_patch of a Codex session and MultiEdit of a Claude Code session, and says when a session changed nothing', async () => {
    kit = startFirstPartyKit();
    kit.importTranscripts('codex');
    kit.importTranscripts('claude-usage');
    multiEditTranscript(kit);
    kit.core.agents.sources.scan();
    await kit.install('diff-viewer');
    await kit.panelWhere('diff-viewer', (p) => blocksOf(p).some((b) => b.type === 'form'), 'the session picker');

    expect(await kit.act('diff-viewer', 'session', { session: CODEX })).toEqual({ ok: true });
    expect(files(kit).items).toMatchObject([{ title: 'src/orders.ts', subtitle: 'apply_patch', badge: '+1 −1' }]);
    expect(diffs(kit)).toEqual([
      {
        type: 'diff',
        title: 'src/orders.ts',
        language: 'typescript',
        diff: '--- a/src/orders.ts\n+++ b/src/orders.ts\n@@ @@\n-  const total = applyCoupon(cart.coupon.code)\n+  const total = cart.coupon ? applyCoupon(cart.coupon.code) : cart.total\n',
      },
    ]);

    await kit.act('diff-viewer', 'session', { session: MULTI });
    expect(files(kit).items).toMatchObject([{ title: '/home/dev/tools/sync.py', subtitle: 'MultiEdit', badge: '+3 −2' }]);
    expect(diffs(kit)[0]).toEqual({
      type: 'diff',
      title: '/home/dev/tools/sync.py',
      language: 'python',
      diff: [
        '--- a/home/dev/tools/sync.py',
        '+++ b/home/dev/tools/sync.py',
        '@@ -1,2 +1,2 @@',
        '-def fetch(url):',
        '+def load(url):',
        '     return get(url)',
        '@@ -1,1 +1,2 @@',
        '-data = fetch(URL)',
        '+data = load(URL)',
        '+print(len(data))',
        '',
      ].join('\n'),
    });

    const readOnly = kit.core.agents.store.listSessions({}).find((s) => s.id !== CODEX && s.id !== MULTI)!;
    await kit.act('diff-viewer', 'session', { session: readOnly.id });
    expect(markdownOf(kit.panel('diff-viewer'))).toBe('This session changed no files (no Edit, Write, MultiEdit or apply_patch).');
    expect(diffs(kit)).toEqual([]);
  });
});
