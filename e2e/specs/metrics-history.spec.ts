import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

test('the metrics screen shows the live overview and the history as sparklines, stats and a table', async ({ app, harness }) => {
  const core = harness.services.core();
  const folder = join(harness.dataDir, 'work', 'api');
  mkdirSync(folder, { recursive: true });
  const project = core.agents.addProject(folder, 'API service');
  const start = Date.now() - 3 * 3600_000;
  for (let i = 0; i < 12; i++) {
    const id = `hist-${i}`;
    const at = new Date(start + i * 600_000).toISOString();
    const end = new Date(start + i * 600_000 + (60 + i * 20) * 1000).toISOString();
    core.agents.pipeline.write((w) => {
      w.session({ id, provider: 'claude', cwd: folder, model: 'claude-sonnet-4-20250514', title: `Session ${i}`, timestamp: at }, 'run');
      w.messages([
        { id: `${id}:p`, sessionId: id, provider: 'claude', timestamp: at, type: 'text', role: 'user', content: 'go', raw: '{}' },
        { id: `${id}:c`, sessionId: id, provider: 'claude', timestamp: end, type: 'tool_call', role: 'assistant', content: 'Bash: ls', tool_call: { id: 't', name: 'Bash', input: {} }, usage: { input_tokens: 1000 * (i + 1), output_tokens: 200 + i * 50 }, raw: '{}' },
      ]);
    });
    core.agents.pipeline.complete(id, i === 11 ? { status: 'error', endedAt: end, errorCategory: 'rate_limit', errorMessage: 'Rate limited — gave up after several attempts' } : { status: 'success', endedAt: end });
  }
  await harness.services.dispatch('tasks.create', { title: 'Ship it', status: 'progress' });

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Metrics' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Metrics' })).toBeVisible();
  const health = app.getByRole('region', { name: 'Project health' });
  await expect(health.getByText('API service')).toBeVisible();
  // The latest session failed, most before it did not.
  await expect(health.getByText('Some failures')).toBeVisible();
  const attention = app.getByRole('region', { name: 'Needs attention' });
  await expect(attention.getByText('Session 11')).toBeVisible();
  await expect(attention).toContainText('Rate limited — gave up after several attempts');
  await expect(app.getByRole('region', { name: 'Task board' })).toContainText('1In progress');
  await screenshotScreen(app, 'metrics-live');

  const views = app.getByRole('radiogroup', { name: 'View' });
  await views.getByText('History').click();
  await expect(views.getByRole('radio', { name: 'History' })).toBeChecked();
  await expect(app.getByLabel('Project')).toHaveValue(project.id);
  for (const label of ['Cost', 'Tokens', 'Turns', 'Tool calls', 'Duration']) {
    const chart = app.getByRole('img', { name: new RegExp(`^${label}: 12 sessions`) });
    await expect(chart).toBeVisible();
    const points = await chart.locator('polyline').getAttribute('points');
    expect(points!.trim().split(' ')).toHaveLength(12);
  }
  await expect(app.getByRole('table', { name: 'Finished sessions' }).locator('tbody tr')).toHaveCount(12);
  await expect(app.getByLabel('Stats')).toContainText('92%');
  await screenshotScreen(app, 'metrics-history');
});
