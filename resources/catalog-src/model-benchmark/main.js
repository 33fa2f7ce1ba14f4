// Model Benchmark: the same prompt, two runs (A and B), each in a fresh
// scratch copy of the project folder that main makes, so neither run sees
// the other's changes and the user's folder is never touched.

var PROVIDERS = [{ value: 'claude', label: 'Claude Code' }, { value: 'codex', label: 'Codex' }];
var waiting = {};
var state = { status: 'idle', error: '', runs: [], form: { provider_a: 'claude', model_a: '', provider_b: 'codex', model_b: '', prompt: '', project: '' } };

function money(n) {
  return n === null || n === undefined ? '—' : '$' + n.toFixed(4);
}

function seconds(s) {
  if (!s.endedAt) return '—';
  return ((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1) + ' s';
}

function outcome(s) {
  if (s.status === 'success') return s.deniedToolCount ? 'Done, ' + s.deniedToolCount + ' tool call(s) refused' : 'Done';
  if (s.status === 'error') return 'Failed: ' + (s.errorMessage || s.errorCategory || 'error');
  return s.status;
}

function done(s) {
  return s && s.status !== 'running' && s.status !== 'starting';
}

/** Resolves with the session once it has finished: on session.complete, or found finished when checked. */
function finished(sessionId, timeoutMs) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      delete waiting[sessionId];
      reject(new Error('The run did not finish within ' + Math.round(timeoutMs / 60000) + ' minutes.'));
    }, timeoutMs);
    waiting[sessionId] = function (s) {
      clearTimeout(timer);
      delete waiting[sessionId];
      resolve(s);
    };
    agor.sessions.get(sessionId).then(function (s) {
      if (done(s) && waiting[sessionId]) waiting[sessionId](s);
    });
  });
}

agor.events.on('session.complete', async function (payload) {
  if (!waiting[payload.sessionId]) return;
  var s = await agor.sessions.get(payload.sessionId);
  if (waiting[payload.sessionId]) waiting[payload.sessionId](s);
});

async function runOne(label, project, prompt, provider, model, timeoutMs) {
  var copy = await agor.projects.scratchCopy(project);
  var request = { projectId: copy.projectId, prompt: prompt, provider: provider };
  if (model) request.model = model;
  var started = await agor.agents.run(request);
  var session = await finished(started.sessionId, timeoutMs);
  var diff = await agor.projects.scratchDiff(copy.projectId);
  return { label: label, provider: provider, asked: model, copy: copy, session: session, diff: diff };
}

async function benchmark(values) {
  var prompt = String(values.prompt || '').trim();
  if (!prompt) throw new Error('Write the prompt both runs get.');
  if (!values.project) throw new Error('Choose the project to copy.');
  var a = { provider: String(values.provider_a), model: String(values.model_a || '').trim() };
  var b = { provider: String(values.provider_b), model: String(values.model_b || '').trim() };
  for (var side of [a, b]) {
    if (side.provider !== 'claude' && side.provider !== 'codex') throw new Error('Choose Claude Code or Codex for both runs.');
    if (side.model && !/^[A-Za-z0-9][A-Za-z0-9._:\/-]{0,99}$/.test(side.model)) throw new Error('"' + side.model.slice(0, 40) + '" is not a model name (letters, digits, . _ : / - only).');
  }
  if (a.provider === b.provider && a.model === b.model) throw new Error('Choose two different agents or models to compare.');
  if (state.status === 'running') throw new Error('A benchmark is running; wait for it to finish.');
  var minutes = Number(await agor.settings.get('timeout_minutes')) || 30;
  state = { status: 'running', error: '', runs: [], form: { provider_a: a.provider, model_a: a.model, provider_b: b.provider, model_b: b.model, prompt: prompt, project: String(values.project) } };
  await render();
  // The runs take minutes: the form's handler returns now, and the page shows the result when both are done.
  compare(values.project, prompt, a, b, minutes * 60000);
}

async function compare(project, prompt, a, b, timeoutMs) {
  try {
    // Both at once: each has its own copy, so neither sees the other's work.
    state.runs = await Promise.all([runOne('A', project, prompt, a.provider, a.model, timeoutMs), runOne('B', project, prompt, b.provider, b.model, timeoutMs)]);
    state.status = 'done';
  } catch (e) {
    state.status = 'failed';
    state.error = e.message;
    console.warn('Benchmark failed: ' + e.message);
  }
  await render();
}

function comparison(runs) {
  var row = function (name, f) { return [name].concat(runs.map(function (r) { return f(r.session, r); })); };
  return {
    type: 'table',
    title: 'Side by side',
    columns: ['', 'A', 'B'],
    rows: [
      row('Agent', function (s, r) { return r.provider === 'codex' ? 'Codex' : 'Claude Code'; }),
      row('Model', function (s, r) { return (s.model || 'unknown') + (r.asked && r.asked !== s.model ? ' (asked for ' + r.asked + ')' : ''); }),
      row('Outcome', function (s) { return outcome(s); }),
      row('Cost', function (s) { return money(s.costUsd) + (s.costSource === 'estimated' ? ' (estimated)' : ''); }),
      row('Input tokens', function (s) { return s.inputTokens; }),
      row('Output tokens', function (s) { return s.outputTokens; }),
      row('Cache reads', function (s) { return s.cacheReadTokens; }),
      row('Duration', function (s) { return seconds(s); }),
      row('Turns', function (s) { return s.turnCount; }),
      row('Tool calls', function (s) { return s.toolCallCount; }),
      row('Files changed', function (s, r) { return (r.diff.match(/^diff --git /gm) || []).length; }),
    ],
  };
}

async function render() {
  var projects = await agor.projects.list();
  var choices = projects.filter(function (p) { return !/ \(scratch\)$/.test(p.name); }).map(function (p) { return { value: p.id, label: p.name }; });
  var f = state.form;
  var blocks = [];
  if (choices.length === 0) {
    blocks.push({ type: 'markdown', markdown: 'Add a project under **Sessions** first: each run works on a scratch copy of its folder.' });
  } else {
    blocks.push({
      type: 'form', id: 'benchmark', title: 'Compare two runs', submitLabel: state.status === 'running' ? 'Running…' : 'Run both',
      fields: [
        { key: 'project', type: 'select', label: 'Project', value: f.project || choices[0].value, options: choices, required: true },
        { key: 'prompt', type: 'textarea', label: 'Prompt', value: f.prompt, required: true, help: 'Both runs get exactly this prompt.' },
        { key: 'provider_a', type: 'select', label: 'A: agent', value: f.provider_a, options: PROVIDERS },
        { key: 'model_a', type: 'text', label: 'A: model', value: f.model_a, placeholder: 'the agent\'s default' },
        { key: 'provider_b', type: 'select', label: 'B: agent', value: f.provider_b, options: PROVIDERS },
        { key: 'model_b', type: 'text', label: 'B: model', value: f.model_b, placeholder: 'the agent\'s default' },
      ],
    });
  }
  if (state.status === 'running') blocks.push({ type: 'markdown', markdown: 'Both runs are working on their scratch copies…' });
  if (state.status === 'failed') blocks.push({ type: 'markdown', markdown: '**The benchmark stopped:** ' + state.error });
  if (state.runs.length === 2) {
    blocks.push(comparison(state.runs));
    for (var r of state.runs) {
      blocks.push(r.diff ? { type: 'diff', title: 'What ' + r.label + ' changed (' + r.copy.name + ')', diff: r.diff.slice(0, 250000) } : { type: 'markdown', markdown: '**' + r.label + '** changed no files.' });
    }
  }
  await agor.ui.setPanel({ type: 'blocks', title: 'Model benchmark', blocks: blocks });
}

agor.ui.onAction('benchmark', function (values) {
  return benchmark(values);
});

render().catch(function (e) { console.error('Model Benchmark could not draw its page: ' + e.message); });
