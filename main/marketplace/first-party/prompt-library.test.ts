import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PanelBlockValue } from '../../../app/contract/plugins.ts';
import { FAKE_AGENT } from '../../agents/test-kit.ts';
import { blocksOf, eventually, markdownOf, startFirstPartyKit, type FirstPartyKit } from './kit.ts';

let kit: FirstPartyKit;
afterEach(() => kit?.close());

type ListBlock = Extract<PanelBlockValue, { type: 'list' }>;
type FormBlock = Extract<PanelBlockValue, { type: 'form' }>;
const list = (k: FirstPartyKit) => blocksOf(k.panel('prompt-library')).find((b): b is ListBlock => b.type === 'list')!;
const form = (k: FirstPartyKit, id: string) => blocksOf(k.panel('prompt-library')).find((b): b is FormBlock => b.type === 'form' && b.id === id);
const titles = (k: FirstPartyKit) => list(k).items.map((i) => i.title);
const itemId = (k: FirstPartyKit, title: string) => list(k).items.find((i) => i.title === title)!.id;

async function answerAgentRun(k: FirstPartyKit, allow: boolean): Promise<{ prompt: string; projectName: string }> {
  const question = await (async () => {
    for (let i = 0; i < 750; i++) {
      const { pending } = await k.call<{ pending: { requestId: string; kind: string; prompt: string; projectName: string }[] }>('plugins.consents', {});
      const q = pending.find((p) => p.kind === 'agent_run');
      if (q) return q;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('Gave up waiting for the agent run question');
  })();
  await k.call('plugins.answerConsent', { requestId: question.requestId, allow });
  return question;
}

describe('Prompt Library, installed from the built-in catalog', () => {
  it('saves, searches, edits and deletes templates on its panel, refusing bad input in words', async () => {
    kit = startFirstPartyKit();
    const { permissions } = await kit.install('prompt-library');
    expect(permissions.sort()).toEqual(['agents', 'palette', 'panels', 'settings']);
    await kit.panelWhere('prompt-library', (p) => blocksOf(p).some((b) => b.type === 'list' && b.empty === 'No templates yet. Save one above.'), 'the empty library');

    expect(await kit.act('prompt-library', 'edit', { name: 'Review', body: 'Review {{file}} for {{concern}}.' })).toEqual({ ok: true });
    expect(await kit.act('prompt-library', 'edit', { name: 'Changelog', body: 'Write the changelog of {{version}}.' })).toEqual({ ok: true });
    expect(titles(kit)).toEqual(['Changelog', 'Review']);
    expect(list(kit).items.find((i) => i.title === 'Review')).toMatchObject({ subtitle: 'Review {{file}} for {{concern}}.', badge: '2 variables' });

    expect(await kit.act('prompt-library', 'edit', { name: 'review', body: 'again' })).toEqual({ ok: false, error: 'There is already a template called "Review"' });
    expect(await kit.act('prompt-library', 'edit', { name: '', body: 'x' })).toEqual({ ok: false, error: 'Give the template a name' });
    expect(await kit.act('prompt-library', 'edit', { name: 'Empty', body: '  ' })).toEqual({ ok: false, error: 'Write the prompt' });
    expect(titles(kit)).toEqual(['Changelog', 'Review']);

    await kit.act('prompt-library', 'search', { query: 'changelog' });
    expect(titles(kit)).toEqual(['Changelog']);
    await kit.act('prompt-library', 'search', { query: 'nothing like it' });
    expect(list(kit)).toMatchObject({ items: [], empty: 'No template matches "nothing like it".' });
    await kit.act('prompt-library', 'search', { query: '' });

    await kit.act('prompt-library', 'templates', { item: itemId(kit, 'Review') }, 'edit');
    expect(form(kit, 'edit')).toMatchObject({ title: 'Edit "Review"', fields: [{ key: 'name', value: 'Review' }, { key: 'body', value: 'Review {{file}} for {{concern}}.' }] });
    await kit.act('prompt-library', 'edit', { name: 'Code review', body: 'Review {{file}} for {{concern}} and {{style}}.' });
    expect(titles(kit)).toEqual(['Changelog', 'Code review']);
    expect(list(kit).items[1]!.badge).toBe('3 variables');

    await kit.act('prompt-library', 'templates', { item: itemId(kit, 'Changelog') }, 'delete');
    expect(titles(kit)).toEqual(['Code review']);
    expect(markdownOf(kit.panel('prompt-library'))).toBe('Deleted "Changelog".');

    // Kept in its storage: a restart of the plugin shows the same library.
    await kit.core.supervisor.restart('prompt-library');
    await kit.panelWhere('prompt-library', (p) => blocksOf(p).some((b) => b.type === 'list' && b.items.length === 1), 'the library after a restart');
    expect(titles(kit)).toEqual(['Code review']);
  });

  it('runs a template from the palette: asks for its variables and a project, then starts the agent with the filled prompt', async () => {
    kit = startFirstPartyKit();
    kit.core.agents.updateConfig({ claudeBinary: FAKE_AGENT, watch: false });
    const shop = kit.addProject('Shop', { git: false });
    await kit.install('prompt-library');
    await kit.panelWhere('prompt-library', (p) => blocksOf(p).some((b) => b.type === 'list'), 'the library');
    await kit.act('prompt-library', 'edit', { name: 'Review', body: 'Review {{file}} for {{concern}}.' });

    const command = (await kit.call<{ commands: { id: string; label: string; takesArgument: boolean }[] }>('palette.list', {})).commands.find((c) => c.label === 'Prompt: run template…')!;
    expect(command.takesArgument).toBe(true);
    await expect(kit.call('palette.run', { commandId: command.id, argument: 'Deploy' })).rejects.toThrow('No template called "Deploy"; you have: Review');
    await kit.call('palette.run', { commandId: command.id, argument: 'rev' });
    const run = form(kit, 'run')!;
    expect(run.title).toBe('Run "Review"');
    expect(run.fields.map((f) => [f.key, f.label])).toEqual([['var:file', 'file'], ['var:concern', 'concern'], ['project', 'Project']]);
    expect(run.fields[2]!.options).toEqual([{ value: shop.id, label: 'Shop' }]);

    expect(await kit.act('prompt-library', 'run', { 'var:file': 'src/checkout.ts', 'var:concern': '', project: shop.id })).toEqual({ ok: false, error: 'Fill in {{concern}}' });

    const submitted = kit.act('prompt-library', 'run', { 'var:file': 'src/checkout.ts', 'var:concern': 'input validation', project: shop.id });
    const question = await answerAgentRun(kit, true);
    expect(question).toMatchObject({ projectName: 'Shop', prompt: 'Review src/checkout.ts for input validation.' });
    expect(await submitted).toEqual({ ok: true });
    const [session] = kit.core.agents.store.listSessions({ projectId: shop.id });
    expect(markdownOf(kit.panel('prompt-library'))).toBe(`Started "Review" as session ${session!.id}.`);
    expect(form(kit, 'run')).toBeUndefined();
    const ran = join(shop.path, '.fake-agent-ran');
    await eventually(() => existsSync(ran) && readFileSync(ran, 'utf8') === 'Review src/checkout.ts for input validation.\n', 'the agent to get the prompt');
    expect(kit.core.audit.list({ eventType: 'agent_run_started' })[0]).toMatchObject({ actor: 'plugin:prompt-library', subject: session!.id });
  });
});
