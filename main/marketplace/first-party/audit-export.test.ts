import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../plugins/testing/harness.ts';
import { TestHttpsServer, testCertificates } from '../testing/https-server.ts';
import { startProTest, type ProTest } from '../testing/pro-plugins.ts';

const ID = 'audit-export';
const TRICKY = { subject: 'deploy|prod = "main"\\ok\nnext line', detail: { note: 'a=b|c' } };

describe('Audit Export, installed from the built-in catalog', () => {
  let t: ProTest;

  beforeEach(async () => {
    t = startProTest({ extraCa: [testCertificates().ca] });
    await t.installPro(ID);
  });

  afterEach(async () => {
    await t.close();
  });

  it('exports CEF with its escaping rules to the file the user chose', async () => {
    const row = t.core.audit.append('policy_violation', 'plugin:policy-engine', TRICKY.subject, TRICKY.detail);
    t.saveTo = join(t.dataDir, 'audit.cef');
    expect(await t.action(ID, 'export', null, { format: 'cef', since: '' })).toEqual({ ok: true });

    const lines = readFileSync(t.saveTo, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const line = lines.find((l) => l.includes(`externalId=${row.id} `));
    expect(line).toBe(
      `CEF:0|Switchboard|Switchboard|1.0.0|policy_violation|policy violation|7|externalId=${row.id} rt=${Date.parse(row.at)} act=policy_violation suser=plugin:policy-engine ` +
        'msg=deploy|prod \\= "main"\\\\ok\\nnext line cs1Label=detail cs1={"note":"a\\=b|c"}',
    );
    expect(lines.every((l) => l === '' || l.startsWith('CEF:0|Switchboard|Switchboard|'))).toBe(true);
    expect(t.panelText(ID)).toMatch(/Saved \d+ rows to audit\.cef\./);
  });

  it('exports JSON Lines, every row once, oldest first, from the start date on', async () => {
    t.core.audit.append('policy_violation', 'user', TRICKY.subject, TRICKY.detail);
    t.saveTo = join(t.dataDir, 'audit.jsonl');
    expect(await t.action(ID, 'export', null, { format: 'jsonl', since: new Date().toISOString().slice(0, 10) })).toEqual({ ok: true });
    const rows = readFileSync(t.saveTo, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number; subject: string; detail: unknown });
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(rows.length).toBe(t.core.audit.query({ afterId: 0, limit: 1000 }).filter((r) => r.id <= ids.at(-1)!).length);
    expect(rows.find((r) => r.subject === TRICKY.subject)).toMatchObject({ detail: TRICKY.detail });
  });

  it('exports a log larger than one message can carry, every row in one file', async () => {
    const padding = 'x'.repeat(400);
    t.core.db.transaction(() => {
      for (let i = 0; i < 3000; i++) t.core.audit.append('bulk_row', 'user', `row ${i} ${padding}`);
    })();
    t.saveTo = join(t.dataDir, 'big.jsonl');
    expect(await t.action(ID, 'export', null, { format: 'jsonl', since: '' })).toEqual({ ok: true });
    const text = readFileSync(t.saveTo, 'utf8');
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const bulk = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { eventType: string; subject: string }).filter((r) => r.eventType === 'bulk_row');
    expect(bulk.map((r) => r.subject.split(' ')[1])).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
    expect(t.panelText(ID)).toMatch(/Saved \d+ rows to big\.jsonl\./);
  });

  it('says so when the user cancels the save dialog, and writes nothing', async () => {
    t.saveTo = null;
    expect(await t.action(ID, 'export', null, { format: 'jsonl', since: '' })).toEqual({ ok: true });
    expect(t.panelText(ID)).toContain('Export cancelled.');
    expect(await t.action(ID, 'export', null, { format: 'jsonl', since: 'last week' })).toEqual({ ok: false, error: 'Write the start date as YYYY-MM-DD, or leave it empty for the whole log.' });
  });
});

describe('Audit Export forwarding to an HTTPS collector', () => {
  let t: ProTest;
  let collector: TestHttpsServer;
  const accepted: { ids: number[]; types: string[]; key: string; authorization: string | undefined }[] = [];
  let answers: number[];

  beforeEach(async () => {
    accepted.length = 0;
    answers = [503];
    collector = await TestHttpsServer.start();
    collector.handle('/siem', (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const status = answers.shift() ?? 200;
        if (status === 200) {
          const rows = body.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number; eventType: string });
          accepted.push({ ids: rows.map((r) => r.id), types: rows.map((r) => r.eventType), key: String(req.headers['idempotency-key']), authorization: req.headers.authorization });
        }
        res.writeHead(status).end();
      });
    });
    t = startProTest({ extraCa: [testCertificates().ca] });
    await t.installPro(ID);
  });

  afterEach(async () => {
    await t.close();
    await collector.close();
  });

  const forwarded = (type: string) => accepted.flatMap((a) => a.ids.filter((_, i) => a.types[i] === type));

  it('retries a failed batch from the same row, and after a restart sends only what is new, each row once', async () => {
    expect(t.core.supervisor.updateSettings(ID, { forward: true, collector_url: collector.url('/siem'), collector_token: 'siem-secret', poll_seconds: 1 }).saved).toBe(true);
    expect(await t.action(ID, 'forwarding', 'now')).toEqual({ ok: true });
    const before = t.core.audit.append('siem_test', 'user', 'row 1');
    t.core.audit.append('siem_test', 'user', 'row 2');
    t.core.audit.append('siem_test', 'user', 'row 3');

    await eventually(() => forwarded('siem_test').length >= 3, 'three rows at the collector after the retry');
    expect(collector.requestsFor('/siem').length).toBeGreaterThanOrEqual(2);
    expect(t.asked).toEqual([expect.stringContaining('network: Send data to 127.0.0.1: Forward new audit rows')]);
    expect(accepted[0]).toMatchObject({ authorization: 'Bearer siem-secret', key: `switchboard-audit-${accepted[0]!.ids[0]}-${accepted[0]!.ids.at(-1)}` });
    expect(accepted[0]!.ids[0]).toBeLessThanOrEqual(before.id);

    t = await t.restart();
    await eventually(() => t.core.supervisor.isRunning(ID), 'the plugin to run again after the restart');
    t.core.audit.append('siem_test', 'user', 'row 4');
    t.core.audit.append('siem_test', 'user', 'row 5');
    await eventually(() => forwarded('siem_test').length >= 5, 'the two new rows at the collector');

    const ids = accepted.flatMap((a) => a.ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(forwarded('siem_test')).toHaveLength(5);
    expect(t.asked).toEqual([]);
  });

  it('shows the collector\'s failure on its page and keeps retrying', async () => {
    answers = [500, 500, 500, 500, 500, 500];
    t.core.supervisor.updateSettings(ID, { forward: true, collector_url: collector.url('/siem'), poll_seconds: 1 });
    await t.action(ID, 'forwarding', 'now');
    t.core.audit.append('siem_test', 'user', 'row 1');
    const result = await t.action(ID, 'forwarding', 'now');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('127.0.0.1 answered 500') });
    expect(t.panelText(ID)).toContain('Retrying');
    expect(accepted).toEqual([]);
  });
});
