// Prompt Library: templates kept in the plugin's storage; running one fills its {{variables}} and starts an agent run.
var VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_.-]{0,40})\s*\}\}/g;
var state = { query: '', editing: null, running: null, message: null };

function variablesOf(body) {
  var names = [];
  body.replace(VARIABLE, function (_match, name) {
    if (names.indexOf(name) < 0) names.push(name);
    return '';
  });
  return names;
}

function fill(body, values) {
  return body.replace(VARIABLE, function (_match, name) { return values[name]; });
}

/** Each template is its own storage entry, "tpl:<id>", so one long prompt never crowds out the rest. */
async function templates() {
  var keys = (await agor.storage.keys()).filter(function (k) { return k.indexOf('tpl:') === 0; });
  var list = [];
  for (var i = 0; i < keys.length; i++) {
    var template = await agor.storage.get(keys[i]);
    if (template) list.push(template);
  }
  return list;
}

function matches(template, query) {
  var q = query.trim().toLowerCase();
  return !q || template.name.toLowerCase().indexOf(q) >= 0 || template.body.toLowerCase().indexOf(q) >= 0;
}

async function save(values) {
  var name = String(values.name || '').trim();
  var body = String(values.body || '');
  if (!name) throw new Error('Give the template a name');
  if (name.length > 80) throw new Error('A name has at most 80 characters');
  if (!body.trim()) throw new Error('Write the prompt');
  var list = await templates();
  var clash = list.find(function (t) { return t.name.toLowerCase() === name.toLowerCase() && t.id !== state.editing; });
  if (clash) throw new Error('There is already a template called "' + clash.name + '"');
  if (!state.editing && list.length >= (await agor.settings.get('maxTemplates'))) throw new Error('The library is full; delete a template first');
  var id = state.editing || 't' + Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
  await agor.storage.set('tpl:' + id, { id: id, name: name, body: body, updatedAt: new Date().toISOString() });
  state.message = (state.editing ? 'Saved changes to "' : 'Saved "') + name + '".';
  state.editing = null;
}

async function run(values) {
  var template = (await templates()).find(function (t) { return t.id === state.running; });
  if (!template) throw new Error('That template was deleted');
  var missing = variablesOf(template.body).filter(function (name) { return !String(values['var:' + name] || '').trim(); });
  if (missing.length) throw new Error('Fill in ' + missing.map(function (n) { return '{{' + n + '}}'; }).join(', '));
  if (!values.project) throw new Error('Pick a project');
  var filled = {};
  variablesOf(template.body).forEach(function (name) { filled[name] = String(values['var:' + name]); });
  var started = await agor.agents.run({ projectId: values.project, prompt: fill(template.body, filled), provider: await agor.settings.get('provider') });
  state.message = 'Started "' + template.name + '" as session ' + started.sessionId + '.';
  state.running = null;
}

async function render() {
  var list = await templates();
  var blocks = [];
  if (state.message) blocks.push({ type: 'markdown', markdown: state.message });
  if (state.running) {
    var template = list.find(function (t) { return t.id === state.running; });
    var projects = await agor.projects.list();
    if (template) {
      var fields = variablesOf(template.body).map(function (name) { return { key: 'var:' + name, type: 'text', label: name, required: true }; });
      fields.push({
        key: 'project',
        type: 'select',
        label: 'Project',
        required: true,
        value: projects.length ? projects[0].id : '',
        options: projects.map(function (p) { return { value: p.id, label: p.name.slice(0, 100) }; }),
        help: projects.length ? undefined : 'Add a project in Switchboard first.',
      });
      blocks.push({ type: 'form', id: 'run', title: 'Run "' + template.name + '"', fields: fields, submitLabel: 'Run agent' });
      blocks.push({ type: 'actions', id: 'cancel', buttons: [{ id: 'cancel', label: 'Cancel' }] });
    }
  }
  var editing = state.editing ? list.find(function (t) { return t.id === state.editing; }) : null;
  blocks.push({
    type: 'form',
    id: 'edit',
    title: editing ? 'Edit "' + editing.name + '"' : 'New template',
    fields: [
      { key: 'name', type: 'text', label: 'Name', required: true, value: editing ? editing.name : '' },
      { key: 'body', type: 'textarea', label: 'Prompt', required: true, value: editing ? editing.body : '', help: 'Write {{name}} where a value goes; you fill it in when you run the template.' },
    ],
    submitLabel: editing ? 'Save changes' : 'Save template',
  });
  blocks.push({ type: 'form', id: 'search', fields: [{ key: 'query', type: 'text', label: 'Search templates', value: state.query }], submitLabel: 'Search' });
  var shown = list.filter(function (t) { return matches(t, state.query); }).sort(function (a, b) { return a.name.localeCompare(b.name); });
  blocks.push({
    type: 'list',
    id: 'templates',
    title: state.query ? 'Templates matching "' + state.query + '"' : 'Templates',
    empty: state.query ? 'No template matches "' + state.query + '".' : 'No templates yet. Save one above.',
    items: shown.slice(0, 500).map(function (t) {
      var vars = variablesOf(t.body);
      return {
        id: t.id,
        title: t.name,
        subtitle: t.body.slice(0, 200),
        badge: vars.length ? vars.length + ' variable' + (vars.length === 1 ? '' : 's') : undefined,
        actions: [{ id: 'run', label: 'Run…', tone: 'primary' }, { id: 'edit', label: 'Edit' }, { id: 'delete', label: 'Delete', tone: 'danger' }],
      };
    }),
  });
  await agor.ui.setPanel({ type: 'blocks', title: 'Prompt library', blocks: blocks });
}

function handler(work) {
  return async function (values, actionId) {
    await work(values, actionId);
    await render();
    return null;
  };
}

agor.ui.onAction('edit', handler(save));
agor.ui.onAction('run', handler(run));
agor.ui.onAction('cancel', handler(function () { state.running = null; }));
agor.ui.onAction('search', handler(function (values) { state.query = String(values.query || ''); }));
agor.ui.onAction('templates', handler(async function (values, button) {
  var id = values.item;
  var list = await templates();
  var template = list.find(function (t) { return t.id === id; });
  if (!template) throw new Error('That template was deleted');
  state.message = null;
  if (button === 'run') state.running = id;
  else if (button === 'edit') state.editing = id;
  else if (button === 'delete') {
    await agor.storage.delete('tpl:' + id);
    if (state.editing === id) state.editing = null;
    if (state.running === id) state.running = null;
    state.message = 'Deleted "' + template.name + '".';
  }
}));

agor.palette.registerCommand('Prompt: run template…', async function (name) {
  var wanted = String(name).trim().toLowerCase();
  var list = await templates();
  var template = list.find(function (t) { return t.name.toLowerCase() === wanted; }) || list.find(function (t) { return t.name.toLowerCase().indexOf(wanted) === 0; });
  if (!template) throw new Error(list.length ? 'No template called "' + String(name).slice(0, 60) + '"; you have: ' + list.map(function (t) { return t.name; }).join(', ').slice(0, 300) : 'The library is empty; save a template on the Prompt Library page first');
  state.running = template.id;
  state.message = 'Fill in the variables of "' + template.name + '" and pick a project to run it.';
  await render();
});

render().catch(function (err) { console.error('Prompt Library could not draw its page: ' + err.message); });
