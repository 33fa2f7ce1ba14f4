import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startTestServices } from '../test-support/core.ts';
import { FAKE_AGENT } from './test-kit.ts';

describe('closing the app during a run', () => {
  it('stops the run and records it as stopped before the database closes', async () => {
    const { services, dataDir } = startTestServices();
    const { agents } = services.core();
    agents.updateConfig({ claudeBinary: FAKE_AGENT, watch: false });
    const folder = join(dataDir, 'project');
    mkdirSync(folder, { recursive: true });
    const project = agents.addProject(folder, 'Project');
    const outcome = await agents.runner.run(project.id, 'claude', 'sleep on it');
    if (outcome.status !== 'started') throw new Error('not started');
    await expect.poll(() => agents.store.messages(outcome.sessionId).some((m) => m.content.includes('helper pid')), { timeout: 10_000 }).toBe(true);

    await services.close();

    const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
    expect(db.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(outcome.sessionId)).toBe('stopped');
    db.close();
  });
});
