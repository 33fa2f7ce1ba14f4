// Policy Engine: checks every tool call of the Claude Code runs Switchboard
// starts (pre_tool), every prompt before it is sent (pre_flight), and the
// tool calls of imported sessions after the fact. Each violation is an audit
// row and a notification. The hooks fail closed (plugin.json): a policy that
// cannot answer refuses.

var WRITE_TOOLS = { Edit: 'file_path', Write: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };
var SCAN_PAGE = 500;
var rules = null;
var recent = [];

// ── rules ─────────────────────────────────────────────────────────────────

function strings(value) {
  return Array.isArray(value) ? value.filter(function (v) { return typeof v === 'string' && v.trim(); }).map(function (v) { return v.trim(); }) : [];
}

function commandMatcher(pattern) {
  var re = /^\/(.+)\/([imsu]*)$/.exec(pattern);
  if (re) {
    try {
      var compiled = new RegExp(re[1], re[2]);
      return { pattern: pattern, test: function (cmd) { return compiled.test(cmd); } };
    } catch (e) {
      console.warn('Ignoring the blocked command ' + pattern + ': ' + e.message);
      return null;
    }
  }
  var needle = pattern.replace(/\s+/g, ' ');
  return { pattern: pattern, test: function (cmd) { return cmd.indexOf(needle) !== -1; } };
}

function globToRegExp(glob) {
  var out = '';
  for (var i = 0; i < glob.length; i++) {
    var c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      var slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp('^' + out + '$');
}

function pathMatcher(glob) {
  var anywhere = glob.indexOf('/') === -1;
  var re = globToRegExp(glob.replace(/^\.\//, ''));
  return {
    pattern: glob,
    test: function (abs, rel) {
      if (anywhere) return re.test(abs.slice(abs.lastIndexOf('/') + 1));
      return re.test(rel) || re.test(abs);
    },
  };
}

async function loadRules() {
  var raw = {
    blocked_commands: await agor.settings.get('blocked_commands'),
    protected_paths: await agor.settings.get('protected_paths'),
    allowed_tools: await agor.settings.get('allowed_tools'),
  };
  var cost = Number(await agor.settings.get('max_cost_usd'));
  rules = {
    fingerprint: JSON.stringify(raw),
    commands: strings(raw.blocked_commands).map(commandMatcher).filter(Boolean),
    paths: strings(raw.protected_paths).map(pathMatcher),
    tools: strings(raw.allowed_tools),
    maxCost: Number.isFinite(cost) && cost > 0 ? cost : 0,
    checkPrompts: (await agor.settings.get('check_prompts')) !== false,
  };
  return rules;
}

function normalize(path, cwd) {
  var p = String(path).replace(/\\/g, '/');
  if (p[0] !== '/' && cwd) p = String(cwd).replace(/\/$/, '') + '/' + p;
  var parts = [];
  for (var part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  var abs = '/' + parts.join('/');
  var base = cwd ? String(cwd).replace(/\/$/, '') + '/' : null;
  return { abs: abs, rel: base && abs.indexOf(base) === 0 ? abs.slice(base.length) : abs.slice(1) };
}

/** The first rule a tool call breaks, as { rule, reason }, or null. */
function judge(r, tool, input, cwd) {
  input = input || {};
  if (r.tools.length && r.tools.indexOf(tool) === -1) {
    return { rule: 'allowed_tools', reason: 'The team policy allows only these tools: ' + r.tools.join(', ') + '; ' + tool + ' is not one of them.' };
  }
  if (tool === 'Bash' && typeof input.command === 'string') {
    var cmd = input.command.replace(/\s+/g, ' ');
    for (var m of r.commands) {
      if (m.test(cmd)) return { rule: 'blocked_command', reason: 'The team policy blocks shell commands matching "' + m.pattern + '".' };
    }
  }
  var key = WRITE_TOOLS[tool];
  if (key && typeof input[key] === 'string') {
    var p = normalize(input[key], cwd);
    for (var g of r.paths) {
      if (g.test(p.abs, p.rel)) return { rule: 'protected_path', reason: 'The team policy protects ' + g.pattern + '; ' + p.rel + ' may not be changed.' };
    }
  }
  return null;
}

// ── violations ────────────────────────────────────────────────────────────

function violation(v) {
  recent.unshift({ at: new Date().toISOString(), session: v.session, tool: v.tool, rule: v.rule, reason: v.reason, when: v.when });
  recent = recent.slice(0, 50);
  // Not awaited: the agent is waiting for the hook's answer.
  var detail = { rule: v.rule, tool: v.tool || null, reason: v.reason, when: v.when, input: v.summary || null };
  agor.audit.record('policy_violation', v.session || '', detail).catch(function (e) { console.error('Could not audit a violation: ' + e.message); });
  var title = v.when === 'after the fact' ? 'Policy broken in an imported session' : 'Policy: tool call refused';
  agor.notifications.send(title, v.reason).catch(function (e) { console.warn('Could not notify: ' + e.message); });
  render().catch(function () {});
}

function summary(tool, input) {
  if (!input) return null;
  var text = tool === 'Bash' ? input.command : input.file_path || input.notebook_path || input.path;
  return typeof text === 'string' ? text.slice(0, 300) : null;
}

agor.hooks.register(
  'pre_tool',
  async function (call) {
    var r = await loadRules();
    var m = call.metadata;
    var found = judge(r, m.tool_name || call.body, m.tool_input, m.cwd);
    if (!found && r.maxCost && m.session_id) {
      var s = await agor.sessions.get(m.session_id);
      if (s && (s.costUsd || 0) > r.maxCost) {
        found = { rule: 'max_cost', reason: 'This run has cost $' + s.costUsd.toFixed(2) + ', over the team policy limit of $' + r.maxCost.toFixed(2) + ' per run.' };
      }
    }
    if (!found) return undefined;
    violation({ session: m.session_id, tool: m.tool_name, rule: found.rule, reason: found.reason, when: 'refused', summary: summary(m.tool_name, m.tool_input) });
    return { action: 'block', status: 403, errorType: 'policy_' + found.rule, message: found.reason };
  },
  { timeoutMs: 1000 },
);

agor.hooks.register(
  'pre_flight',
  async function (call) {
    var r = await loadRules();
    if (!r.checkPrompts) return undefined;
    var text = call.body.replace(/\s+/g, ' ');
    for (var m of r.commands) {
      if (m.test(text)) {
        var reason = 'The prompt asks for a command the team policy blocks ("' + m.pattern + '"); the run was not started.';
        violation({ session: null, tool: null, rule: 'blocked_command', reason: reason, when: 'prompt refused' });
        return { action: 'block', status: 403, errorType: 'policy_blocked_command', message: reason };
      }
    }
    return undefined;
  },
  { timeoutMs: 1000 },
);

// ── imported sessions, after the fact ─────────────────────────────────────

/** Scans run one after another: two at once would flag the same tool call twice. */
var scanning = Promise.resolve();

function scanImported() {
  var next = scanning.then(scanOnce);
  scanning = next.catch(function () {});
  return next;
}

async function scanOnce() {
  var r = await loadRules();
  // A session is checked again when it grew or when the rules changed.
  var stored = (await agor.storage.get('scanned')) || {};
  var next = stored.rules === r.fingerprint ? Object.assign({}, stored.sessions) : {};
  // A tool call already flagged for a rule is not flagged again when its session is checked again.
  var flagged = Object.assign({}, stored.flagged);
  var sessions = await agor.sessions.list({ limit: 500 });
  var found = 0;
  var checked = 0;
  for (var s of sessions) {
    if (s.origin !== 'transcript' || s.status === 'running') continue;
    if (next[s.id] === s.messageCount) continue;
    checked++;
    var after = null;
    for (;;) {
      var page = await agor.sessions.messages(s.id, after === null ? { limit: SCAN_PAGE } : { afterSeq: after, limit: SCAN_PAGE });
      for (var msg of page) {
        if (msg.type !== 'tool_call' || !msg.tool_call) continue;
        var v = judge(r, msg.tool_call.name, msg.tool_call.input, s.cwd);
        if (v && !flagged[msg.id + ':' + v.rule]) {
          flagged[msg.id + ':' + v.rule] = 1;
          found++;
          violation({ session: s.id, tool: msg.tool_call.name, rule: v.rule, reason: v.reason.replace('may not be changed', 'was changed') + ' (' + (s.title || s.id) + ', after the fact)', when: 'after the fact', summary: summary(msg.tool_call.name, msg.tool_call.input) });
        }
      }
      if (page.length < SCAN_PAGE) break;
      after = page[page.length - 1].index;
    }
    next[s.id] = s.messageCount;
  }
  // Only the most recent sessions are remembered, so the record stays small.
  var ids = Object.keys(next);
  if (ids.length > 1000) ids.slice(0, ids.length - 1000).forEach(function (id) { delete next[id]; });
  var keys = Object.keys(flagged);
  if (keys.length > 800) keys.slice(0, keys.length - 800).forEach(function (k) { delete flagged[k]; });
  await agor.storage.set('scanned', { rules: r.fingerprint, sessions: next, flagged: flagged });
  lastScan = 'Checked ' + checked + ' imported session' + (checked === 1 ? '' : 's') + ': ' + found + ' violation' + (found === 1 ? '' : 's') + '.';
  await render();
}

var lastScan = '';

// ── panel ─────────────────────────────────────────────────────────────────

async function render() {
  var r = rules || (await loadRules());
  var lines = [
    '**Blocked commands:** ' + (r.commands.length ? r.commands.map(function (c) { return '`' + c.pattern + '`'; }).join(', ') : 'none'),
    '**Protected paths:** ' + (r.paths.length ? r.paths.map(function (p) { return '`' + p.pattern + '`'; }).join(', ') : 'none'),
    '**Allowed tools:** ' + (r.tools.length ? r.tools.join(', ') : 'all'),
    '**Maximum cost per run:** ' + (r.maxCost ? '$' + r.maxCost.toFixed(2) : 'no limit'),
  ];
  await agor.ui.setPanel({
    type: 'blocks',
    title: 'Policy',
    blocks: [
      { type: 'markdown', markdown: lines.join('\n\n') + (lastScan ? '\n\n' + lastScan : '') },
      {
        type: 'list', id: 'violations', title: 'Recent violations', empty: 'No violations since Switchboard started.',
        items: recent.slice(0, 30).map(function (v, i) { return { id: 'v' + i, title: v.reason.slice(0, 300), subtitle: (v.tool ? v.tool + ' · ' : '') + (v.session || 'no session') + ' · ' + v.at.slice(0, 19).replace('T', ' '), badge: v.when }; }),
      },
      { type: 'actions', id: 'policy', buttons: [{ id: 'scan', label: 'Check imported sessions', tone: 'primary' }] },
    ],
  });
}

agor.ui.onAction('policy', function () {
  return scanImported();
});

scanImported().catch(function (e) { console.error('Checking imported sessions failed: ' + e.message); });
