import { afterEach, describe, expect, it } from 'vitest';
import type { PanelBlockValue } from '../../../app/contract/plugins.ts';
import { blocksOf, eventually, markdownOf, startFirstPartyKit, type FirstPartyKit } from './kit.ts';

const CLAUDE = '7d0c2a51-3b8e-4f6a-9c1d-2e5f8a9b0c11';
const CODEX = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

let kit: FirstPartyKit;
afterEach(() => kit?.close());

type FormBlock = Extract<PanelBlockValue, { type: 'form' }>;
type ListBlock = Extract<PanelBlockValue, { type: 'list' }>;
const form = (k: FirstPartyKit, id: string) => blocksOf(k.panel('session-notes')).find((b): b is FormBlock => b.type === 'form' && b.id === id)!;
const notes = (k: FirstPartyKit) => blocksOf(k.panel('session-notes')).find((b): b is ListBlock => b.type === 'list' && b.id === 'notes')!;

describe('Session Notes, installed from the built-in catalog', () => {
  it('keeps a note per imported session in its storage, shows the open session\'s note in the status bar, and lists them all', async () => {
    kit = startFirstPartyKit();
    kit.importTranscripts('claude');
    kit.importTranscripts('codex');
    const claudeTitle = kit.core.agents.store.getSession(CLAUDE)!.title;
    const codexTitle = kit.core.agents.store.getSession(CODEX)!.title;
    await kit.call('plugins.setViewContext', { sessionId: CLAUDE, projectId: null });
    const { permissions } = await kit.install('session-notes');
    expect(permissions.sort()).toEqual(['events', 'panels', 'sessions', 'settings', 'status']);

    await kit.panelWhere('session-notes', (p) => blocksOf(p).some((b) => b.type === 'form' && b.id === 'note'), 'the note form');
    expect(form(kit, 'pick').fields[0]).toMatchObject({ value: CLAUDE, options: expect.arrayContaining([{ value: CLAUDE, label: `${claudeTitle} (open)` }, { value: CODEX, label: codexTitle }]) });
    expect(form(kit, 'note').title).toBe(`Note on ${claudeTitle}`);
    expect(notes(kit).items).toEqual([]);
    expect(kit.status('session-notes')).toBeNull();

    expect(await kit.act('session-notes', 'note', { text: 'Card check works; expiry still to do\nAsk Ada about the API.' })).toEqual({ ok: true });
    expect(kit.status('session-notes')).toEqual({ text: 'Note: Card check works; expiry still to…', tooltip: 'Card check works; expiry still to do\nAsk Ada about the API.' });
    expect(form(kit, 'note').fields[0]!.value).toBe('Card check works; expiry still to do\nAsk Ada about the API.');

    // Another session's note, picked in the form; the status item stays with the open session.
    await kit.act('session-notes', 'pick', { session: CODEX });
    expect(form(kit, 'note').title).toBe(`Note on ${codexTitle}`);
    expect(form(kit, 'note').fields[0]!.value).toBe('');
    await kit.act('session-notes', 'note', { text: 'Coupon bug fixed by the patch.' });
    expect(kit.status('session-notes')!.text).toBe('Note: Card check works; expiry still to…');
    expect(notes(kit).items.map((i) => [i.title, i.subtitle, i.badge])).toEqual([
      [codexTitle, 'Coupon bug fixed by the patch.', undefined],
      [claudeTitle, 'Card check works; expiry still to do', 'open'],
    ]);

    // Kept in the plugin's storage, in the database: a restart shows them again.
    await kit.core.supervisor.restart('session-notes');
    await kit.panelWhere('session-notes', (p) => blocksOf(p).some((b) => b.type === 'list' && b.items.length === 2), 'the notes after a restart');
    await eventually(() => kit.status('session-notes')?.text === 'Note: Card check works; expiry still to…' || undefined, 'the status item after a restart');
    await kit.act('session-notes', 'notes', { item: notes(kit).items[0]!.id }, 'open');
    expect(form(kit, 'note').fields[0]!.value).toBe('Coupon bug fixed by the patch.');

    // The window opens the Codex session: the status item and the form follow it.
    await kit.act('session-notes', 'pick', { session: CLAUDE });
    await kit.call('plugins.setViewContext', { sessionId: CODEX, projectId: null });
    await eventually(() => kit.status('session-notes')?.text === 'Note: Coupon bug fixed by the patch.' || undefined, 'the Codex note in the status bar');
    await kit.panelWhere('session-notes', (p) => blocksOf(p).some((b) => b.type === 'form' && b.id === 'note' && b.title === `Note on ${codexTitle}`), 'the Codex note on the page');

    expect(await kit.act('session-notes', 'note-actions', {}, 'delete')).toEqual({ ok: true });
    expect(markdownOf(kit.panel('session-notes'))).toBe('Note deleted.');
    expect(notes(kit).items.map((i) => i.title)).toEqual([claudeTitle]);
    expect(kit.status('session-notes')).toBeNull();
  });

  it('refuses a note over its length setting, changing nothing, and hides the status item when told to', async () => {
    kit = startFirstPartyKit();
    kit.importTranscripts('claude');
    await kit.install('session-notes');
    await kit.panelWhere('session-notes', (p) => blocksOf(p).some((b) => b.type === 'form' && b.id === 'note'), 'the note form');
    const refused = await kit.call<{ saved: boolean; errors: Record<string, string> }>('plugins.updateSettings', { id: 'session-notes', values: { maxLength: 50 } });
    expect(refused.errors.maxLength).toMatch(/100.*20000/);
    await kit.call('plugins.updateSettings', { id: 'session-notes', values: { maxLength: 100 } });
    expect(await kit.act('session-notes', 'note', { text: 'x'.repeat(101) })).toEqual({ ok: false, error: 'A note has at most 100 characters; this one has 101' });
    expect(notes(kit).items).toEqual([]);

    await kit.act('session-notes', 'note', { text: 'Short note' });
    expect(kit.status('session-notes')!.text).toBe('Note: Short note');
    await kit.call('plugins.updateSettings', { id: 'session-notes', values: { statusItem: false } });
    await kit.act('session-notes', 'note', { text: 'Short note, edited' });
    expect(kit.status('session-notes')).toBeNull();
  });
});
