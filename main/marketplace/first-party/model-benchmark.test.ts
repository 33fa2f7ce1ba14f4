import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_AGENT } from '../../agents/test-kit.ts';
import { eventually } from '../../plugins/testing/harness.ts';
import { startProTest, type ProTest } from '../testing/pro-plugins.ts';

const ID = 'model-benchmark';

describe('Model Benchmark, installed from the built-in catalog', () => {
  let t: ProTest;
  let folder: string;

  beforeEach(async () => {
    t = startProTest();
    folder = join(t.dataDir, 'work', 'shop');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'README.md'), '# Shop\n');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-C', folder, ...args]);
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'start');
    t.core.agents.updateConfig({ claudeBinary: FAKE_AGENT, codexBinary: FAKE_AGENT, watch: false });
    await t.installPro(ID);
  });

  afterEach(async () => {
    await t.close();
  });

  it('runs one prompt with two agents on scratch copies and compares them side by side, with each run\'s diff', async () => {
    const project = t.core.agents.addProject(folder, 'Shop');
    const result = await t.action(ID, 'benchmark', null, { project: project.id, prompt: 'Tidy the README', provider_a: 'claude', model_a: '', provider_b: 'codex', model_b: '' });
    expect(result).toEqual({ ok: true });
    await eventually(() => t.panelText(ID).includes('Side by side'), 'the comparison', 30_000);

    const panel = t.panel(ID);
    if (panel?.type !== 'blocks') throw new Error('no panel');
    const table = panel.blocks.find((b) => b.type === 'table');
    if (table?.type !== 'table') throw new Error('no table');
    const rows = Object.fromEntries(table.rows.map((r) => [String(r[0]), r.slice(1)]));
    expect(rows.Agent).toEqual(['Claude Code', 'Codex']);
    expect(rows.Outcome).toEqual(['Done', 'Done']);
    expect(rows.Cost![0]).toBe('$0.0123');
    expect(rows['Tool calls']).toEqual([1, 1]);
    expect(rows['Files changed']).toEqual([1, 1]);
    expect(rows.Model![0]).toBe('claude-sonnet-4-20250514');

    const diffs = panel.blocks.filter((b) => b.type === 'diff');
    expect(diffs.map((d) => d.title)).toEqual(['What A changed (Shop (scratch))', 'What B changed (Shop (scratch))']);
    for (const d of diffs) if (d.type === 'diff') expect(d.diff).toContain('+++ b/.fake-agent-ran\n@@ -0,0 +1 @@\n+Tidy the README');

    // The user's folder is as it was; the runs happened in two copies.
    expect(existsSync(join(folder, '.fake-agent-ran'))).toBe(false);
    expect(readdirSync(join(t.dataDir, 'plugin-scratch', ID))).toHaveLength(2);
    expect(t.asked).toEqual(['agent_run']);
  });

  it('refuses the same contestant twice, and a model name that could be an option', async () => {
    const project = t.core.agents.addProject(folder, 'Shop');
    const same = { project: project.id, prompt: 'x', provider_a: 'claude', model_a: '', provider_b: 'claude', model_b: '' };
    expect(await t.action(ID, 'benchmark', null, same)).toEqual({ ok: false, error: 'Choose two different agents or models to compare.' });
    expect(await t.action(ID, 'benchmark', null, { ...same, model_b: '--dangerously-skip-permissions' })).toEqual({ ok: false, error: '"--dangerously-skip-permissions" is not a model name (letters, digits, . _ : / - only).' });
    expect(existsSync(join(t.dataDir, 'plugin-scratch'))).toBe(false);
  });
});
