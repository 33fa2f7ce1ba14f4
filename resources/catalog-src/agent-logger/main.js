// Agent Logger: agent messages as JSON Lines, agent-YYYY-MM-DD.jsonl (split into .2, .3 … parts past PART_BYTES so every part stays readable).
var PART_BYTES = 256 * 1024;
var FILE = /^agent-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.jsonl$/;
var queue = [];
var flushing = null;
var flushTimer = null;
var written = 0;
var dropped = 0;

/** The UTC day the message happened on (its agent's time), else today. */
function dayOf(iso) {
  return /^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso.slice(0, 10) : new Date().toISOString().slice(0, 10);
}

function byteLength(text) {
  var bytes = 0;
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}

/** Log files oldest first, with their day and part. */
async function logFiles() {
  return (await agor.files.list())
    .map(function (f) {
      var m = FILE.exec(f.name);
      return m ? { name: f.name, size: f.size, day: m[1], part: m[2] ? Number(m[2]) : 1 } : null;
    })
    .filter(Boolean)
    .sort(function (a, b) { return a.day < b.day ? -1 : a.day > b.day ? 1 : a.part - b.part; });
}

function record(message, max) {
  var entry = { at: new Date().toISOString(), sessionId: message.sessionId, projectId: message.projectId, provider: message.provider, timestamp: message.timestamp, type: message.type, role: message.role, content: message.content.length > max ? message.content.slice(0, max) + '… (cut)' : message.content };
  if (message.tool_call) {
    var input = JSON.stringify(message.tool_call.input === undefined ? null : message.tool_call.input);
    entry.tool = { id: message.tool_call.id, name: message.tool_call.name, input: input.length > max ? input.slice(0, max) + '… (cut)' : message.tool_call.input };
  }
  if (message.tool_result) entry.result = { toolCallId: message.tool_result.tool_call_id, isError: message.tool_result.is_error };
  if (message.usage) entry.usage = message.usage;
  if (message.cost_usd !== undefined) entry.costUsd = message.cost_usd;
  if (message.error) entry.error = message.error;
  return { day: dayOf(message.timestamp), line: JSON.stringify(entry) + '\n' };
}

async function flush() {
  var messages = queue;
  queue = [];
  if (messages.length === 0) return;
  var cap = (await agor.settings.get('maxMegabytes')) * 1024 * 1024;
  var max = await agor.settings.get('maxContentChars');
  var thinking = await agor.settings.get('includeThinking');
  var batch = messages.filter(function (m) { return thinking || m.type !== 'thinking'; }).map(function (m) { return record(m, max); });
  var files = await logFiles();
  var used = files.reduce(function (sum, f) { return sum + f.size; }, 0);
  // Lines for one part are gathered and appended together; a removal or a new part writes them first.
  var pending = null;
  var write = async function () {
    if (!pending) return;
    await agor.files.append(pending.file.name, pending.text);
    written += pending.lines;
    pending = null;
  };
  for (var i = 0; i < batch.length; i++) {
    var entry = batch[i];
    var bytes = byteLength(entry.line);
    // Past the cap, whole days go, oldest first; never the day being written.
    while (used + bytes > cap && files.length > 0 && files[0].day < entry.day) {
      await write();
      var oldestDay = files[0].day;
      while (files.length > 0 && files[0].day === oldestDay) {
        var oldest = files.shift();
        await agor.files.remove(oldest.name);
        used -= oldest.size;
      }
    }
    if (used + bytes > cap) {
      dropped += 1;
      continue;
    }
    var parts = files.filter(function (f) { return f.day === entry.day; });
    var part = parts[parts.length - 1];
    if (!part || (part.size > 0 && part.size + bytes > PART_BYTES)) {
      var number = part ? part.part + 1 : 1;
      part = { name: 'agent-' + entry.day + (number > 1 ? '.' + number : '') + '.jsonl', size: 0, day: entry.day, part: number };
      files.push(part);
      files.sort(function (a, b) { return a.day < b.day ? -1 : a.day > b.day ? 1 : a.part - b.part; });
    }
    if (pending && pending.file !== part) await write();
    pending = pending || { file: part, text: '', lines: 0 };
    pending.text += entry.line;
    pending.lines += 1;
    part.size += bytes;
    used += bytes;
  }
  await write();
  await render(files);
}

function flushNow() {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  flushing = (flushing || Promise.resolve()).then(flush).catch(function (err) { console.error('Agent Logger could not write: ' + err.message); });
  return flushing;
}

function flushSoon() {
  if (flushTimer === null) flushTimer = setTimeout(flushNow, 250);
}

async function render(files) {
  var list = files || (await logFiles());
  var total = list.reduce(function (sum, f) { return sum + f.size; }, 0);
  var days = list.map(function (f) { return f.day; }).filter(function (d, i, all) { return all.indexOf(d) === i; });
  var blocks = [
    { type: 'markdown', markdown: '**' + written + ' message' + (written === 1 ? '' : 's') + '** logged since start' + (dropped ? ', **' + dropped + ' dropped** at the size cap' : '') + ' · ' + (total / 1024).toFixed(1) + ' KB kept in ' + list.length + ' file' + (list.length === 1 ? '' : 's') },
    { type: 'table', title: 'Log files', columns: ['File', 'Day', 'Size (KB)'], rows: list.slice().reverse().slice(0, 500).map(function (f) { return [f.name, f.day, Number((f.size / 1024).toFixed(1))]; }) },
  ];
  if (days.length) {
    blocks.push({
      type: 'form',
      id: 'export',
      title: 'Export',
      fields: [{ key: 'day', type: 'select', label: 'Days', value: 'all', options: [{ value: 'all', label: 'Every kept day' }].concat(days.slice().reverse().slice(0, 199).map(function (d) { return { value: d, label: d }; })) }],
      submitLabel: 'Export log…',
    });
  }
  await agor.ui.setPanel({ type: 'blocks', title: 'Agent log', blocks: blocks });
}

async function exportLog(day) {
  await flushNow();
  var files = (await logFiles()).filter(function (f) { return day === 'all' || f.day === day; });
  if (files.length === 0) throw new Error(day === 'all' ? 'Nothing is logged yet' : 'Nothing is logged for ' + day);
  var name = day === 'all' ? 'agent-log-' + files[0].day + '-to-' + files[files.length - 1].day + '.jsonl' : 'agent-log-' + day + '.jsonl';
  // Main joins the files itself, so an export is not limited to what one message to main can carry.
  return agor.files.saveCopy({ names: files.map(function (f) { return f.name; }), suggestedName: name, mimeType: 'application/x-ndjson' });
}

agor.messages.onMessage(function (message) {
  queue.push(message);
  flushSoon();
});
agor.ui.onAction('export', function (values) {
  return exportLog(String(values.day)).then(function () { return null; });
});
agor.palette.registerCommand('Export log…', function () {
  return exportLog('all').then(function () { return undefined; });
});
render().catch(function (err) { console.error('Agent Logger could not draw its page: ' + err.message); });
