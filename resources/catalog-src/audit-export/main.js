// Audit Export: the audit log as JSON Lines or CEF, to a file or to a SIEM.
//
// Forwarding keeps a cursor (the id of the last row the collector accepted)
// in storage, and only moves it after a 2xx answer, so a failure is retried
// from the same row and a restart neither skips nor repeats rows.

/** What files.saveCopy saves at most; the export is staged in the plugin's data folder up to there. */
var MAX_FILE_CHARS = 10 * 1024 * 1024 - 1024;
var STAGED = 'export.staging';
var CHUNK_CHARS = 400000;
var MAX_BACKOFF_S = 300;

// ── formats ───────────────────────────────────────────────────────────────

function jsonLine(row) {
  return JSON.stringify({ id: row.id, at: row.at, eventType: row.eventType, actor: row.actor, subject: row.subject, detail: row.detail });
}

/** CEF header fields: backslash and pipe are escaped; a line break cannot appear in a header. */
function cefHeader(text) {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** CEF extension values: backslash, equals sign and line breaks are escaped; a pipe is not. */
function cefValue(text) {
  return String(text).replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');
}

function severity(type) {
  if (/denied|violation|refused|blocked|invalid/.test(type)) return 7;
  if (/revoked|removed|uninstalled|failed/.test(type)) return 5;
  return 3;
}

function cefLine(row) {
  var name = row.eventType.replace(/_/g, ' ');
  var ext = [
    'externalId=' + row.id,
    'rt=' + Date.parse(row.at),
    'act=' + cefValue(row.eventType),
    'suser=' + cefValue(row.actor),
    'msg=' + cefValue(row.subject),
    'cs1Label=detail',
    'cs1=' + cefValue(JSON.stringify(row.detail)),
  ].join(' ');
  return ['CEF:0', 'Switchboard', 'Switchboard', cefHeader(agor.meta.version), cefHeader(row.eventType), cefHeader(name), severity(row.eventType), ext].join('|');
}

function formatRows(rows, format) {
  var line = format === 'cef' ? cefLine : jsonLine;
  return rows.map(function (r) { return line(r) + '\n'; }).join('');
}

// ── file export ───────────────────────────────────────────────────────────

async function exportFile(values) {
  var format = values.format === 'cef' ? 'cef' : 'jsonl';
  var since = String(values.since || '').trim();
  if (since && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new Error('Write the start date as YYYY-MM-DD, or leave it empty for the whole log.');
  // Staged in the plugin's own data folder, then saved as one file where the user chooses.
  if ((await agor.files.list()).some(function (f) { return f.name === STAGED; })) await agor.files.remove(STAGED);
  var size = 0;
  var count = 0;
  var truncated = false;
  var after = 0;
  var pending = '';
  for (;;) {
    var page = await agor.audit.query({ afterId: after, limit: 1000 });
    if (page.length === 0) break;
    after = page[page.length - 1].id;
    var rows = since ? page.filter(function (r) { return r.at.slice(0, 10) >= since; }) : page;
    var chunk = formatRows(rows, format);
    if (size + chunk.length > MAX_FILE_CHARS) {
      truncated = true;
      break;
    }
    size += chunk.length;
    count += rows.length;
    pending += chunk;
    while (pending.length >= CHUNK_CHARS) {
      await agor.files.append(STAGED, pending.slice(0, CHUNK_CHARS));
      pending = pending.slice(CHUNK_CHARS);
    }
  }
  await agor.files.append(STAGED, pending);
  var today = new Date().toISOString().slice(0, 10);
  var name;
  try {
    name = await agor.files.saveCopy({ names: [STAGED], suggestedName: 'switchboard-audit-' + today + (format === 'cef' ? '.cef' : '.jsonl'), mimeType: format === 'cef' ? 'text/plain' : 'application/x-ndjson' });
  } finally {
    await agor.files.remove(STAGED);
  }
  lastExport = name === null ? 'Export cancelled.' : 'Saved ' + count + ' rows to ' + name + (truncated ? ' (stopped at 10 MB: choose a later start date for the rest).' : '.');
  await render();
}

// ── forwarding ────────────────────────────────────────────────────────────

var state = { status: 'off', detail: '', failures: 0, forwarded: 0 };
var lastExport = '';
var timer = null;
var stopped = false;
/** Ticks run one after another, never two at once: two at once would read the same cursor and send the same rows. */
var chain = Promise.resolve();

async function settings() {
  var n = async function (key, fallback) {
    var v = Number(await agor.settings.get(key));
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    format: (await agor.settings.get('format')) === 'cef' ? 'cef' : 'jsonl',
    forward: (await agor.settings.get('forward')) === true,
    url: String((await agor.settings.get('collector_url')) || '').trim(),
    token: String((await agor.settings.get('collector_token')) || '').trim(),
    batch: Math.min(1000, Math.floor(await n('batch_size', 100))),
    poll: await n('poll_seconds', 10),
  };
}

function collectorHost(url) {
  var m = /^https:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(\/[^\s]*)?$/i.exec(url);
  return m ? m[1].toLowerCase().replace(/^\[(.*)\]$/, '$1') : null;
}

/** Sends one batch; resolves with how many rows the collector accepted (0: nothing new). */
async function forwardOnce(s) {
  var host = collectorHost(s.url);
  if (!host) throw new Error(s.url ? 'The collector address must be an https:// address.' : 'Set the collector address first.');
  var cursor = await agor.storage.get('cursor');
  if (typeof cursor !== 'number') {
    // Forwarding new rows: start after the newest row there is now.
    var newest = await agor.audit.query({ limit: 1 });
    cursor = newest.length ? newest[0].id : 0;
    await agor.storage.set('cursor', cursor);
  }
  var rows = await agor.audit.query({ afterId: cursor, limit: s.batch });
  if (rows.length === 0) return 0;
  await agor.net.allowHost(host, 'Forward new audit rows to your SIEM collector');
  var first = rows[0].id;
  var last = rows[rows.length - 1].id;
  var headers = {
    'content-type': s.format === 'cef' ? 'text/plain; charset=utf-8' : 'application/x-ndjson',
    // Lets a collector drop a batch it already has if an answer was lost on the way back.
    'idempotency-key': 'switchboard-audit-' + first + '-' + last,
  };
  if (s.token) headers.authorization = 'Bearer ' + s.token;
  var res = await agor.net.fetch(s.url, { method: 'POST', headers: headers, body: formatRows(rows, s.format), timeoutMs: 15000 });
  if (res.status < 200 || res.status >= 300) throw new Error(host + ' answered ' + res.status + (res.statusText ? ' ' + res.statusText : ''));
  await agor.storage.set('cursor', last);
  return rows.length;
}

function tick() {
  var next = chain.then(runTick);
  chain = next.catch(function (e) { console.error('Forwarding stopped: ' + e.message); });
  return next;
}

async function runTick() {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (stopped) return;
  var s = await settings();
  var wait = s.poll;
  if (!s.forward) {
    state = { status: 'off', detail: '', failures: 0, forwarded: state.forwarded };
  } else {
    try {
      var sent;
      do {
        sent = await forwardOnce(s);
        state.forwarded += sent;
      } while (sent === s.batch);
      state.status = 'ok';
      state.detail = 'Up to date at ' + new Date().toISOString().slice(11, 19) + ' UTC.';
      state.failures = 0;
    } catch (e) {
      state.failures += 1;
      wait = Math.min(MAX_BACKOFF_S, s.poll * Math.pow(2, state.failures));
      state.status = 'retrying';
      state.detail = e.message + ' Trying again in ' + wait + ' s (attempt ' + (state.failures + 1) + ').';
      console.warn('Forwarding failed: ' + e.message);
    }
  }
  await render();
  if (timer !== null) clearTimeout(timer);
  if (!stopped) timer = setTimeout(tick, wait * 1000);
}

// ── panel ─────────────────────────────────────────────────────────────────

async function render() {
  var s = await settings();
  var cursor = await agor.storage.get('cursor');
  var forwarding = !s.forward
    ? 'Forwarding is off. Turn it on in the settings to send new rows to your collector.'
    : '**Forwarding to** ' + (collectorHost(s.url) || '(no valid address)') + ' as ' + (s.format === 'cef' ? 'CEF' : 'JSON Lines') +
      ' · **' + (state.status === 'retrying' ? 'Retrying' : 'Running') + '** · last row sent: ' + (typeof cursor === 'number' ? '#' + cursor : 'none yet') +
      (state.detail ? '\n\n' + state.detail : '');
  await agor.ui.setPanel({
    type: 'blocks',
    title: 'Audit export',
    blocks: [
      {
        type: 'form', id: 'export', title: 'Export to a file', submitLabel: 'Export…',
        fields: [
          { key: 'format', type: 'select', label: 'Format', value: s.format, options: [{ value: 'jsonl', label: 'JSON Lines' }, { value: 'cef', label: 'ArcSight CEF' }] },
          { key: 'since', type: 'text', label: 'From (YYYY-MM-DD)', placeholder: 'the whole log', help: 'Rows on or after this day.' },
        ],
      },
      { type: 'markdown', markdown: (lastExport ? lastExport + '\n\n' : '') + forwarding },
      { type: 'actions', id: 'forwarding', buttons: [{ id: 'now', label: 'Forward now', tone: 'primary' }] },
    ],
  });
}

agor.ui.onAction('export', function (values) {
  return exportFile(values);
});

// A graceful stop waits for a request under way, so its row is marked sent before the process ends.
agor.events.on('unload', function () {
  stopped = true;
  if (timer !== null) clearTimeout(timer);
  return chain;
});

agor.ui.onAction('forwarding', async function () {
  await tick();
  if (state.status === 'retrying') throw new Error(state.detail);
});

tick().catch(function (e) { console.error('Audit Export failed to start: ' + e.message); });
