import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../services.ts';
import { startTestServices, type TestServices } from '../test-support/core.ts';
import { INDEX_FILE_FORMAT, searchIndexPath } from './index-file.ts';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let running: TestServices | undefined;
afterEach(async () => {
  await running?.services.close();
  running = undefined;
});

describe('the search index file and the version that wrote it', () => {
  it('records its format, and an index from before formats were recorded is kept and stamped', async () => {
    const first = startTestServices();
    await first.services.close();
    const indexFile = searchIndexPath(join(first.dataDir, DATABASE_FILE));
    const stamped = new Database(indexFile);
    expect(stamped.pragma('user_version', { simple: true })).toBe(INDEX_FILE_FORMAT);
    stamped.pragma('user_version = 0');
    stamped.close();

    running = startTestServices({ dataDir: first.dataDir });
    expect(running.services.status().state).toBe('ready');
    await running.services.close();
    running = undefined;
    const reopened = new Database(indexFile, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(INDEX_FILE_FORMAT);
    reopened.close();
  });

  it('leaves an index written by a newer version unchanged and lets the user move it aside', async () => {
    const first = startTestServices();
    await first.services.close();
    const indexFile = searchIndexPath(join(first.dataDir, DATABASE_FILE));
    const newer = new Database(indexFile);
    newer.pragma(`user_version = ${INDEX_FILE_FORMAT + 1}`);
    newer.pragma('journal_mode = DELETE');
    newer.close();
    const hash = sha256(indexFile);

    running = startTestServices({ dataDir: first.dataDir });
    const status = running.services.status();
    expect(status).toMatchObject({ state: 'database_error', databasePath: indexFile });
    expect(status.state === 'database_error' && status.message).toBe(
      `The database at ${indexFile} cannot be read (it was written by a newer Switchboard: its index format is ${INDEX_FILE_FORMAT + 1}, and this version knows ${INDEX_FILE_FORMAT}). It has not been changed. Open it with that version, or move it aside to start this one with a fresh database.`,
    );
    expect(sha256(indexFile)).toBe(hash);

    const reset = (await running.services.dispatch('app.resetDatabase', {})) as { ok: true; value: { movedTo: string } };
    expect(reset.ok).toBe(true);
    expect(reset.value.movedTo).toContain('switchboard-search.db.unreadable-');
    expect(sha256(reset.value.movedTo)).toBe(hash);
    expect(running.services.status().state).toBe('ready');
    expect(existsSync(join(first.dataDir, DATABASE_FILE))).toBe(true);
  });
});
