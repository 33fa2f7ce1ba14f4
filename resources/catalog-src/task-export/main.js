// Task Export: the board as Markdown or JSON, written where the user chooses in the save dialog.
var STATUSES = ['todo', 'progress', 'review', 'done', 'blocked'];
var LABELS = { todo: 'To do', progress: 'In progress', review: 'In review', done: 'Done', blocked: 'Blocked' };
var lastResult = null;

function markdown(tasks, status, withDescriptions) {
  var out = ['# Tasks' + (status === 'all' ? '' : ': ' + LABELS[status]), ''];
  STATUSES.filter(function (s) { return status === 'all' || s === status; }).forEach(function (s) {
    var column = tasks.filter(function (t) { return t.status === s; });
    if (column.length === 0) return;
    out.push('## ' + LABELS[s] + ' (' + column.length + ')', '');
    column.forEach(function (t) {
      out.push('- [' + (s === 'done' ? 'x' : ' ') + '] #' + t.id + ' ' + t.title + (t.assignee ? ' (' + t.assignee + ')' : ''));
      if (withDescriptions && t.description.trim()) {
        t.description.trim().split('\n').forEach(function (line) { out.push(line ? '  ' + line : ''); });
      }
    });
    out.push('');
  });
  if (out.length === 2) out.push('No tasks.', '');
  return out.join('\n');
}

function json(tasks, status) {
  var rows = tasks.map(function (t) {
    return { id: t.id, title: t.title, description: t.description, status: t.status, assignee: t.assignee, createdBy: t.createdByName, createdAt: t.createdAt, updatedAt: t.updatedAt };
  });
  return JSON.stringify({ status: status, count: rows.length, tasks: rows }, null, 2) + '\n';
}

async function exportTasks(format, status) {
  if (format !== 'markdown' && format !== 'json') throw new Error('Choose Markdown or JSON');
  if (status !== 'all' && STATUSES.indexOf(status) < 0) throw new Error('Choose a column or all tasks');
  var tasks = (await agor.tasks.list()).filter(function (t) { return status === 'all' || t.status === status; });
  var content = format === 'json' ? json(tasks, status) : markdown(tasks, status, await agor.settings.get('includeDescriptions'));
  var day = new Date().toISOString().slice(0, 10);
  var name = (await agor.settings.get('fileName')) + (status === 'all' ? '' : '-' + status) + '-' + day + (format === 'json' ? '.json' : '.md');
  var saved = await agor.files.save({ suggestedName: name, content: content, mimeType: format === 'json' ? 'application/json' : 'text/markdown' });
  lastResult = saved === null
    ? 'Export cancelled; nothing was saved.'
    : 'Saved ' + tasks.length + ' task' + (tasks.length === 1 ? '' : 's') + ' to **' + saved + '**.';
  await render();
  return saved;
}

async function render() {
  var tasks = await agor.tasks.list();
  var counts = STATUSES.map(function (s) {
    return LABELS[s] + ': ' + tasks.filter(function (t) { return t.status === s; }).length;
  }).join(' · ');
  var blocks = [
    { type: 'markdown', markdown: '**' + tasks.length + ' task' + (tasks.length === 1 ? '' : 's') + '** on the board. ' + counts },
    {
      type: 'form',
      id: 'export',
      title: 'Export',
      fields: [
        { key: 'format', type: 'select', label: 'Format', value: 'markdown', options: [{ value: 'markdown', label: 'Markdown' }, { value: 'json', label: 'JSON' }] },
        {
          key: 'status',
          type: 'select',
          label: 'Tasks',
          value: 'all',
          options: [{ value: 'all', label: 'All tasks' }].concat(STATUSES.map(function (s) { return { value: s, label: LABELS[s] }; })),
        },
      ],
      submitLabel: 'Export…',
    },
  ];
  if (lastResult) blocks.push({ type: 'markdown', markdown: lastResult });
  await agor.ui.setPanel({ type: 'blocks', title: 'Task export', blocks: blocks });
}

agor.ui.onAction('export', function (values) {
  return exportTasks(values.format, values.status).then(function () { return null; });
});
agor.palette.registerCommand('Tasks: export all…', async function () {
  await exportTasks(await agor.settings.get('defaultFormat'), 'all');
});
agor.palette.registerCommand('Tasks: export one column…', async function (column) {
  var wanted = String(column).trim().toLowerCase();
  var status = STATUSES.find(function (s) { return s === wanted || LABELS[s].toLowerCase() === wanted; });
  if (!status) throw new Error('There is no column "' + String(column).slice(0, 40) + '"; use one of: ' + STATUSES.map(function (s) { return LABELS[s]; }).join(', '));
  await exportTasks(await agor.settings.get('defaultFormat'), status);
});
agor.events.on('task.changed', function () {
  return render();
});
render().catch(function (err) { console.error('Task Export could not draw its page: ' + err.message); });
