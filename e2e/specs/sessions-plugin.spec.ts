import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'plugins', 'message-echo');
const SESSION = 'feed0000-1111-4222-8333-444455556666';

test('a message appended to a followed transcript reaches a plugin holding "messages"', async ({ app, harness }) => {
  const core = harness.services.core();
  cpSync(FIXTURE, join(core.pluginPaths.root, 'message-echo'), { recursive: true });
  core.plugins.put({ id: 'message-echo', name: 'Message echo', version: '1.0.0', sourceId: null, previousVersion: null, grants: ['messages', 'notifications'], enabled: false });
  await core.supervisor.setEnabled('message-echo', true);

  const dir = join(harness.dataDir, 'home', '.claude', 'projects', '-w');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${SESSION}.jsonl`);
  const line = (n: number, role: 'user' | 'assistant', text: string) =>
    JSON.stringify({ type: role, sessionId: SESSION, cwd: '/w', uuid: `feed0000-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: new Date().toISOString(), message: role === 'user' ? { role, content: text } : { id: `m${n}`, role, content: [{ type: 'text', text }] } });
  writeFileSync(file, `${line(1, 'user', 'Summarise the diff')}\n`);
  await expect(app.getByRole('heading', { level: 1 })).toBeVisible();

  appendFileSync(file, `${line(2, 'assistant', 'Two files changed, both in the parser.')}\n`);
  // The watcher picks it up, the store keeps it, the plugin receives it and answers with a toast.
  await expect(app.getByText('Saw: Two files changed, both in the parser.')).toBeVisible({ timeout: 20_000 });
});
