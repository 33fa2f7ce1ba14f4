// Session Notes: one note per session in the plugin's own storage (key "note:<session id>").
var selected = null;
/** The session open in the window when the page was last drawn; the form follows it unless the user picked another. */
var lastOpen = null;
var message = null;
/** The sessions behind the list's item ids (n0, n1, …) as last drawn. */
var listed = [];

function noteKey(sessionId) {
  return 'note:' + sessionId;
}

function firstLine(text) {
  return text.trim().split('\n')[0].trim();
}

async function openSessionId(recent) {
  var current = await agor.sessions.current();
  if (current.sessionId) return current.sessionId;
  return recent.length ? recent[0].id : null;
}

async function notedSessions() {
  var keys = await agor.storage.keys();
  return keys.filter(function (k) { return k.indexOf('note:') === 0; }).map(function (k) { return k.slice('note:'.length); });
}

async function updateStatus(sessionId) {
  var note = sessionId ? await agor.storage.get(noteKey(sessionId)) : null;
  if (!note || !(await agor.settings.get('statusItem'))) {
    await agor.ui.setStatus(null);
    return;
  }
  var line = firstLine(note.text);
  var text = 'Note: ' + line;
  if (text.length > 40) text = text.slice(0, 39) + '…';
  await agor.ui.setStatus(text, { tooltip: note.text.slice(0, 300) });
}

async function render() {
  var recent = await agor.sessions.list({ limit: await agor.settings.get('recentSessions') });
  var openId = await openSessionId(recent);
  if (!selected || selected === lastOpen) selected = openId;
  lastOpen = openId;
  await updateStatus(openId);
  if (!selected) {
    await agor.ui.setPanel({ type: 'markdown', title: 'Session notes', markdown: 'No sessions yet. Once an agent session is imported or run, you can keep notes on it here.' });
    return;
  }
  var session = recent.find(function (s) { return s.id === selected; }) || (await agor.sessions.get(selected));
  var options = recent.map(function (s) { return { value: s.id, label: (s.title || 'Untitled session').slice(0, 90) + (s.id === openId ? ' (open)' : '') }; });
  if (session && !recent.some(function (s) { return s.id === session.id; })) options.unshift({ value: session.id, label: (session.title || 'Untitled session').slice(0, 100) });
  var note = await agor.storage.get(noteKey(selected));
  var blocks = [];
  if (message) blocks.push({ type: 'markdown', markdown: message });
  blocks.push({ type: 'form', id: 'pick', fields: [{ key: 'session', type: 'select', label: 'Session', value: selected, options: options }], submitLabel: 'Open notes' });
  blocks.push({
    type: 'form',
    id: 'note',
    title: 'Note on ' + (session ? session.title || 'Untitled session' : 'a removed session'),
    fields: [{ key: 'text', type: 'textarea', label: 'Note', value: note ? note.text : '', placeholder: 'What to remember about this session', max: await agor.settings.get('maxLength') }],
    submitLabel: 'Save note',
  });
  if (note) blocks.push({ type: 'actions', id: 'note-actions', buttons: [{ id: 'delete', label: 'Delete note', tone: 'danger' }] });
  var ids = await notedSessions();
  var items = [];
  for (var i = 0; i < ids.length && items.length < 200; i++) {
    var saved = await agor.storage.get(noteKey(ids[i]));
    if (!saved) continue;
    items.push({ sessionId: ids[i], title: saved.title || 'Untitled session', subtitle: firstLine(saved.text).slice(0, 300), updatedAt: saved.updatedAt });
  }
  items.sort(function (a, b) { return a.updatedAt < b.updatedAt ? 1 : -1; });
  listed = items.map(function (n) { return n.sessionId; });
  blocks.push({
    type: 'list',
    id: 'notes',
    title: 'All notes',
    empty: 'No notes yet.',
    items: items.map(function (n, index) { return { id: 'n' + index, title: n.title.slice(0, 300), subtitle: n.subtitle, badge: n.sessionId === openId ? 'open' : undefined, actions: [{ id: 'open', label: 'Open' }] }; }),
  });
  await agor.ui.setPanel({ type: 'blocks', title: 'Session notes', blocks: blocks });
}

function handler(work) {
  return async function (values, actionId) {
    message = null;
    await work(values, actionId);
    await render();
    return null;
  };
}

agor.ui.onAction('pick', handler(function (values) { selected = String(values.session); }));
agor.ui.onAction('note', handler(async function (values) {
  var text = String(values.text || '');
  var max = await agor.settings.get('maxLength');
  if (text.length > max) throw new Error('A note has at most ' + max + ' characters; this one has ' + text.length);
  if (!text.trim()) {
    await agor.storage.delete(noteKey(selected));
    message = 'The note is empty, so it was removed.';
    return;
  }
  var session = await agor.sessions.get(selected);
  await agor.storage.set(noteKey(selected), { text: text, title: session ? session.title : '', updatedAt: new Date().toISOString() });
  message = 'Saved.';
}));
agor.ui.onAction('note-actions', handler(async function () {
  await agor.storage.delete(noteKey(selected));
  message = 'Note deleted.';
}));
agor.ui.onAction('notes', handler(function (values) {
  var id = listed[Number(String(values.item).slice(1))];
  if (!id) throw new Error('That note was deleted');
  selected = id;
}));

agor.settings.onChange(function () {
  return render();
});
agor.events.on('session.viewed', function () {
  return render();
});
render().catch(function (err) { console.error('Session Notes could not draw its page: ' + err.message); });
