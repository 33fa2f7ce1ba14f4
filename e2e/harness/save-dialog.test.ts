import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessSaveDialog } from './save-dialog.ts';

const request = { pluginName: 'Task exporter', suggestedName: 'tasks.csv', mimeType: 'text/csv' };

describe('the harness save dialog', () => {
  it('saves into <data>/saved/ by default and logs each answer', async () => {
    const data = mkdtempSync(join(tmpdir(), 'sb-save-'));
    const save = harnessSaveDialog(data);
    await expect(save.dialog(request)).resolves.toBe(join(data, 'saved', 'tasks.csv'));
    save.queue(null);
    await expect(save.dialog(request)).resolves.toBeNull();
    save.queue('exports/week.csv');
    await expect(save.dialog(request)).resolves.toBe(join(data, 'exports', 'week.csv'));
    const lines = readFileSync(save.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { chosen: string | null });
    expect(lines.map((l) => l.chosen)).toEqual([join(data, 'saved', 'tasks.csv'), null, join(data, 'exports', 'week.csv')]);
  });

  it('refuses a queued answer outside the data folder', () => {
    const save = harnessSaveDialog(mkdtempSync(join(tmpdir(), 'sb-save-')));
    expect(() => save.queue('../elsewhere.csv')).toThrow(/only saves inside the harness data folder/);
    expect(() => save.queue('/etc/passwd')).toThrow(/only saves inside/);
  });
});
