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

test('the live view offers today, 7 and 30 days with a per-model breakdown, and prices are visible and editable', async ({ app, harness }) => {
  const core = harness.services.core();
  // Ten days ago, on two models: outside today and 7 days, inside 30.
  const at = new Date(Date.now() - 10 * 24 * 3600_000).toISOString();
  core.agents.pipeline.write((w) => {
    w.session({ id: 'old', provider: 'claude', cwd: harness.dataDir, model: 'claude-opus-4-6', title: 'Old session', timestamp: at }, 'transcript');
    w.messages([
      { id: 'old:1', sessionId: 'old', provider: 'claude', timestamp: at, type: 'text', role: 'assistant', content: 'a', usage: { input_tokens: 1_000_000, output_tokens: 100_000 }, usageKey: 'msg_1', usageModel: 'claude-opus-4-6', raw: '{}' },
      { id: 'old:2', sessionId: 'old', provider: 'claude', timestamp: at, type: 'text', role: 'assistant', content: 'b', usage: { input_tokens: 2_000_000, output_tokens: 10_000 }, usageKey: 'msg_2', usageModel: 'claude-haiku-4-5-20251001', raw: '{}' },
    ]);
  });
  core.agents.pipeline.complete('old', { status: 'success', endedAt: at });

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Metrics' }).click();
  const periods = app.getByRole('radiogroup', { name: 'Period' });
  await expect(periods.getByRole('radio', { name: 'Today' })).toBeChecked();
  const models = app.getByRole('region', { name: /^By model/ });
  await expect(models).toContainText('No API calls in this time.');
  await periods.getByText('Last 7 days').click();
  await expect(models).toContainText('No API calls in this time.');
  await periods.getByText('Last 30 days').click();
  const rows = app.getByRole('table', { name: 'Usage by model' }).locator('tbody tr');
  await expect(rows).toHaveCount(2);
  // Opus 4.6 at $5 / $25 per million: $5 + $2.50; Haiku 4.5 at $1 / $5: $2 + $0.05. Estimated, and said so.
  await expect(rows.nth(0)).toContainText('claude-opus-4-6');
  await expect(rows.nth(0)).toContainText('$7.50 est.');
  await expect(rows.nth(1)).toContainText('$2.05 est.');
  await expect(app.locator('.metric-card', { hasText: 'Cost' }).first()).toContainText('$9.55 est.');
  await screenshotScreen(app, 'metrics-live-30-days');

  const views = app.getByRole('radiogroup', { name: 'View' });
  await views.getByText('Prices').click();
  const applied = app.getByRole('table', { name: 'Prices applied' });
  await expect(applied.getByRole('row', { name: /claude-opus-4-6/ })).toContainText('Price list (anthropic/claude-opus-4-6)');
  await expect(app.getByRole('region', { name: 'Your prices' })).toContainText('You have not set a price of your own.');
  await applied.getByRole('row', { name: /claude-haiku-4-5/ }).getByRole('button', { name: 'Set my price' }).click();
  const form = app.getByRole('form', { name: 'Set a price' });
  await expect(form.getByLabel('Model name (or its start)')).toHaveValue('claude-haiku-4-5-20251001');
  await form.getByLabel('Input $/M').fill('oops');
  await form.getByRole('button', { name: 'Save price' }).click();
  await expect(form.getByLabel('Input $/M')).toHaveAccessibleDescription('A number between 0 and 10000 US dollars per million tokens');
  await expect(app.getByRole('table', { name: 'Your prices' })).toHaveCount(0);
  await form.getByLabel('Input $/M').fill('0.5');
  await form.getByRole('button', { name: 'Save price' }).click();
  await expect(app.getByRole('table', { name: 'Your prices' }).locator('tbody tr')).toHaveCount(1);
  await expect(applied.getByRole('row', { name: /claude-haiku-4-5/ })).toContainText('Your price (claude-haiku-4-5-20251001)');
  await screenshotScreen(app, 'metrics-prices');
  await app.emulateMedia({ colorScheme: 'dark' });
  await screenshotScreen(app, 'metrics-prices-dark');
  await views.getByText('Live').click();
  await app.getByRole('radiogroup', { name: 'Period' }).getByText('Last 30 days').click();
  // $0.50 × 2M input + $5 × 10k output (the output price came from the list row it was copied from).
  await expect(app.getByRole('table', { name: 'Usage by model' }).locator('tbody tr').nth(1)).toContainText('$1.05 est.');
  await screenshotScreen(app, 'metrics-live-30-days-dark');
});
