// Diff Viewer: turns a session's file-changing tool calls into unified diffs, grouped by file.
var LANGUAGES = {
  ts: 'typescript', tsx: 'tsx', js: 'javascript', jsx: 'jsx', mjs: 'javascript', cjs: 'javascript', json: 'json', py: 'python', rb: 'ruby', go: 'go', rs: 'rust',
  java: 'java', kt: 'kotlin', c: 'c', h: 'c', cpp: 'cpp', cs: 'csharp', php: 'php', swift: 'swift', sh: 'bash', css: 'css', scss: 'scss', html: 'html',
  md: 'markdown', yml: 'yaml', yaml: 'yaml', toml: 'toml', sql: 'sql',
};
var state = { sessionId: null, file: null };

function languageOf(path) {
  var ext = path.split('/').pop().split('.').slice(1).pop();
  return (ext && LANGUAGES[ext.toLowerCase()]) || undefined;
}

function linesOf(text) {
  if (text === '') return [];
  var lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script between two line lists (longest common subsequence), as ' ', '-' and '+' lines. */
function lineDiff(a, b) {
  var n = a.length;
  var m = b.length;
  if (n * m > 4000000) return a.map(function (l) { return '-' + l; }).concat(b.map(function (l) { return '+' + l; }));
  var table = [];
  for (var i = 0; i <= n; i++) table.push(new Array(m + 1).fill(0));
  for (i = n - 1; i >= 0; i--) {
    for (var j = m - 1; j >= 0; j--) table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  }
  var out = [];
  i = 0;
  j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push(' ' + a[i]); i++; j++; }
    else if (table[i + 1][j] >= table[i][j + 1]) out.push('-' + a[i++]);
    else out.push('+' + b[j++]);
  }
  while (i < n) out.push('-' + a[i++]);
  while (j < m) out.push('+' + b[j++]);
  return out;
}

function hunk(oldText, newText) {
  var lines = lineDiff(linesOf(oldText), linesOf(newText));
  var removed = lines.filter(function (l) { return l[0] !== '+'; }).length;
  var added = lines.filter(function (l) { return l[0] !== '-'; }).length;
  return '@@ -' + (removed ? 1 : 0) + ',' + removed + ' +' + (added ? 1 : 0) + ',' + added + ' @@\n' + lines.join('\n') + '\n';
}

/** apply_patch's own format ("*** Begin Patch", "*** Update File: …") as one change per file. */
function patchChanges(text) {
  var changes = [];
  var current = null;
  text.split('\n').forEach(function (line) {
    var header = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(line);
    if (header) {
      current = { path: header[2].trim(), kind: header[1].toLowerCase(), lines: [] };
      changes.push(current);
      return;
    }
    if (!current || /^\*\*\* (Begin|End) Patch/.test(line) || /^\*\*\* End of File/.test(line)) return;
    var moved = /^\*\*\* Move to: (.+)$/.exec(line);
    if (moved) { current.movedTo = moved[1].trim(); return; }
    if (line.indexOf('@@') === 0) current.lines.push('@@ ' + line.slice(2).trim() + (line.slice(2).trim() ? ' ' : '') + '@@');
    else if (/^[+\- ]/.test(line)) current.lines.push(line);
    else if (line === '') current.lines.push(' ');
  });
  return changes.map(function (c) {
    var body = c.lines;
    if (c.kind === 'add') body = ['@@ -0,0 +1,' + body.length + ' @@'].concat(body);
    else if (body.length && body[0].indexOf('@@') !== 0) body = ['@@ @@'].concat(body);
    return { path: c.movedTo || c.path, tool: 'apply_patch', oldPath: c.kind === 'add' ? '/dev/null' : c.path, newPath: c.kind === 'delete' ? '/dev/null' : c.movedTo || c.path, diff: body.join('\n') + '\n' };
  });
}

function patchText(input) {
  if (typeof input === 'string') return input;
  if (input && typeof input.input === 'string') return input.input;
  if (input && typeof input.patch === 'string') return input.patch;
  if (input && Array.isArray(input.command)) return input.command.filter(function (c) { return typeof c === 'string' && c.indexOf('*** Begin Patch') >= 0; })[0] || '';
  return '';
}

/** The file changes of one tool call; none for tools that change no file. */
function changesOf(call) {
  var input = call.input || {};
  var path = input.file_path || input.path;
  switch (call.name) {
    case 'Edit':
      return [{ path: path, tool: 'Edit', oldPath: path, newPath: path, diff: hunk(input.old_string || '', input.new_string || '') }];
    case 'MultiEdit':
      return [{ path: path, tool: 'MultiEdit', oldPath: path, newPath: path, diff: (input.edits || []).map(function (e) { return hunk(e.old_string || '', e.new_string || ''); }).join('') }];
    case 'Write':
      return [{ path: path, tool: 'Write', oldPath: '/dev/null', newPath: path, diff: hunk('', input.content || '') }];
    case 'apply_patch':
      return patchChanges(patchText(input));
    default:
      return [];
  }
}

async function sessionChanges(sessionId) {
  var files = {};
  var order = [];
  var after = -1;
  for (;;) {
    var page = await agor.sessions.messages(sessionId, after < 0 ? { limit: 1000 } : { afterSeq: after, limit: 1000 });
    page.forEach(function (m) {
      if (m.type !== 'tool_call' || !m.tool_call) return;
      changesOf(m.tool_call).forEach(function (c) {
        if (!c.path) return;
        if (!files[c.path]) { files[c.path] = []; order.push(c.path); }
        files[c.path].push(c);
      });
    });
    if (page.length < 1000) break;
    after = page[page.length - 1].index;
  }
  return order.map(function (path) { return { path: path, changes: files[path] }; });
}

function counts(diff) {
  var added = 0;
  var removed = 0;
  diff.split('\n').forEach(function (l) {
    if (l[0] === '+') added++;
    else if (l[0] === '-') removed++;
  });
  return { added: added, removed: removed };
}

async function render() {
  var recent = await agor.sessions.list({ limit: await agor.settings.get('recentSessions') });
  if (!state.sessionId) {
    var current = await agor.sessions.current();
    state.sessionId = current.sessionId || (recent.length ? recent[0].id : null);
  }
  if (!state.sessionId) {
    await agor.ui.setPanel({ type: 'markdown', title: 'Diffs', markdown: 'No sessions yet. The edits of an imported or running session show here.' });
    return;
  }
  var options = recent.map(function (s) { return { value: s.id, label: (s.title || 'Untitled session').slice(0, 100) }; });
  if (!recent.some(function (s) { return s.id === state.sessionId; })) {
    var chosen = await agor.sessions.get(state.sessionId);
    options.unshift({ value: state.sessionId, label: ((chosen && chosen.title) || 'Untitled session').slice(0, 100) });
  }
  var blocks = [{ type: 'form', id: 'session', fields: [{ key: 'session', type: 'select', label: 'Session', value: state.sessionId, options: options }], submitLabel: 'Show diffs' }];
  var files = await sessionChanges(state.sessionId);
  if (files.length === 0) {
    blocks.push({ type: 'markdown', markdown: 'This session changed no files (no Edit, Write, MultiEdit or apply_patch).' });
    await agor.ui.setPanel({ type: 'blocks', title: 'Diffs', blocks: blocks });
    return;
  }
  var joined = files.map(function (f) {
    var diff = f.changes.map(function (c) { return '--- ' + (c.oldPath === '/dev/null' ? c.oldPath : 'a/' + c.oldPath.replace(/^\//, '')) + '\n+++ ' + (c.newPath === '/dev/null' ? c.newPath : 'b/' + c.newPath.replace(/^\//, '')) + '\n' + c.diff; }).join('');
    return { path: f.path, tools: f.changes.map(function (c) { return c.tool; }), diff: diff, counts: counts(f.changes.map(function (c) { return c.diff; }).join('')) };
  });
  blocks.push({
    type: 'list',
    id: 'files',
    title: files.length + ' file' + (files.length === 1 ? '' : 's') + ' changed',
    items: joined.slice(0, 200).map(function (f, index) {
      return { id: 'f' + index, title: f.path.slice(0, 300), subtitle: f.tools.join(', '), badge: '+' + f.counts.added + ' −' + f.counts.removed, actions: [{ id: 'show', label: 'Show only this' }] };
    }),
  });
  var shown = state.file === null ? joined : joined.filter(function (f) { return f.path === state.file; });
  if (state.file !== null) blocks.push({ type: 'actions', id: 'all', buttons: [{ id: 'all', label: 'Show every file' }] });
  shown.slice(0, await agor.settings.get('maxFiles')).forEach(function (f) {
    var block = { type: 'diff', title: f.path.slice(0, 200), diff: f.diff.slice(0, 256 * 1024) };
    var language = languageOf(f.path);
    if (language) block.language = language;
    blocks.push(block);
  });
  await agor.ui.setPanel({ type: 'blocks', title: 'Diffs', blocks: blocks.slice(0, 50) });
  state.listed = joined.map(function (f) { return f.path; });
}

agor.ui.onAction('session', function (values) {
  state.sessionId = String(values.session);
  state.file = null;
  return render().then(function () { return null; });
});
agor.ui.onAction('files', function (values) {
  var path = (state.listed || [])[Number(String(values.item).slice(1))];
  if (!path) throw new Error('That file is no longer in the list');
  state.file = path;
  return render().then(function () { return null; });
});
agor.ui.onAction('all', function () {
  state.file = null;
  return render().then(function () { return null; });
});

agor.settings.onChange(function () {
  return render();
});
render().catch(function (err) { console.error('Diff Viewer could not draw its page: ' + err.message); });
