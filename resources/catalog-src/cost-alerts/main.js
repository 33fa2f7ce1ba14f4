// Cost Alerts: compares what sessions cost with the limits in its settings
// after every session, and tells you once per limit and period.

var SCAN_LIMIT = 500;

function money(n) {
  return '$' + (Math.round(n * 100) / 100).toFixed(2);
}

function dayKey(d) {
  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
}

function monthKey(d) {
  return dayKey(d).slice(0, 7);
}

async function limits() {
  var read = async function (key) {
    var v = Number(await agor.settings.get(key));
    return Number.isFinite(v) && v > 0 ? v : 0;
  };
  return { session: await read('session_usd'), day: await read('day_usd'), project: await read('project_usd') };
}

/** What a webhook setting means, or why it cannot be used. */
async function webhookTarget() {
  var kind = await agor.settings.get('webhook');
  if (kind !== 'slack' && kind !== 'generic') return null;
  var address = String((await agor.settings.get('webhook_url')) || '').trim();
  if (!/^https:\/\//i.test(address)) return { error: 'The webhook address must start with https://.' };
  // The sandbox has no URL class; main parses and checks the address again before anything is sent.
  var m = /^https:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(\/[^\s]*)?$/i.exec(address);
  if (!m) return { error: 'The webhook address "' + address.slice(0, 80) + '" is not a valid address.' };
  var host = m[1].toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (kind === 'slack' && host !== 'hooks.slack.com') return { error: 'A Slack incoming webhook address starts with https://hooks.slack.com/.' };
  return { kind: kind, url: address, host: host };
}

/** Asks the user once for the network, and for the exact host of a generic webhook. */
async function connect(target) {
  if (target.kind === 'slack') await agor.permissions.request('network', 'Post cost alerts to your Slack incoming webhook');
  else await agor.net.allowHost(target.host, 'Post cost alerts to the webhook you set in Cost Alerts');
}

async function post(target, alert) {
  var body =
    target.kind === 'slack'
      ? { text: ':warning: ' + alert.title + '\n' + alert.message }
      : {
          event: 'cost_threshold_crossed',
          scope: alert.scope,
          subject: alert.subject,
          threshold_usd: alert.threshold,
          cost_usd: Math.round(alert.cost * 10000) / 10000,
          period: alert.period,
          session_id: alert.sessionId,
          at: new Date().toISOString(),
          message: alert.message,
        };
  await connect(target);
  var res = await agor.net.fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status < 200 || res.status >= 300) throw new Error(target.host + ' answered ' + res.status + ' ' + res.statusText);
}

async function history() {
  return (await agor.storage.get('alerts')) || [];
}

async function raise(alert) {
  var key = 'sent:' + alert.scope + ':' + alert.subject + ':' + alert.period;
  if (await agor.storage.get(key)) return false;
  await agor.storage.set(key, true);
  await agor.notifications.send(alert.title, alert.message);
  var delivery = 'toast';
  var target = await webhookTarget();
  if (target && target.error) delivery = 'webhook not sent: ' + target.error;
  else if (target) {
    try {
      await post(target, alert);
      delivery = 'toast + ' + (target.kind === 'slack' ? 'Slack' : target.host);
    } catch (e) {
      delivery = 'webhook failed: ' + e.message;
      console.warn('Posting the alert failed: ' + e.message);
    }
  }
  // What main hands back is frozen: build a new list.
  var list = (await history()).slice();
  list.unshift({ at: new Date().toISOString(), title: alert.title, message: alert.message, delivery: delivery });
  await agor.storage.set('alerts', list.slice(0, 50));
  return true;
}

/** Checks run one after another: two at once could both find a limit not yet alerted. */
var checking = Promise.resolve();

function check(sessionId) {
  var next = checking.then(function () { return checkOnce(sessionId); });
  checking = next.catch(function () {});
  return next;
}

/** Sums the stored sessions and raises every limit crossed. */
async function checkOnce(sessionId) {
  var l = await limits();
  var now = new Date();
  var today = dayKey(now);
  var month = monthKey(now);
  var sessions = await agor.sessions.list({ limit: SCAN_LIMIT });
  var dayTotal = 0;
  var projects = {};
  for (var s of sessions) {
    var started = new Date(s.startedAt);
    var cost = s.costUsd || 0;
    if (dayKey(started) === today) dayTotal += cost;
    if (monthKey(started) === month && s.projectId) {
      var p = projects[s.projectId] || (projects[s.projectId] = { name: s.projectName || s.projectId, cost: 0 });
      p.cost += cost;
    }
  }
  if (l.session) {
    // The session that just ended, and every session active today (a long run crosses its limit before it ends).
    var candidates = sessions.filter(function (s) { return dayKey(new Date(s.lastActivityAt)) === today && s.id !== sessionId; });
    var ended = sessionId ? await agor.sessions.get(sessionId) : null;
    if (ended) candidates.unshift(ended);
    for (var one of candidates) {
      if ((one.costUsd || 0) <= l.session) continue;
      await raise({
        scope: 'session', subject: one.id, period: 'all', threshold: l.session, cost: one.costUsd, sessionId: one.id,
        title: 'Session over ' + money(l.session),
        message: '"' + (one.title || one.id) + '"' + (one.projectName ? ' in ' + one.projectName : '') + ' cost ' + money(one.costUsd) + (one.status === 'running' ? ' so far.' : '.'),
      });
    }
  }
  if (l.day && dayTotal > l.day) {
    await raise({ scope: 'day', subject: 'all', period: today, threshold: l.day, cost: dayTotal, sessionId: sessionId || null, title: 'Today over ' + money(l.day), message: 'Sessions today have cost ' + money(dayTotal) + ' so far.' });
  }
  if (l.project) {
    for (var id of Object.keys(projects)) {
      var pr = projects[id];
      if (pr.cost > l.project) {
        await raise({ scope: 'project', subject: id, period: month, threshold: l.project, cost: pr.cost, sessionId: sessionId || null, title: pr.name + ' over ' + money(l.project), message: pr.name + ' has cost ' + money(pr.cost) + ' this month.' });
      }
    }
  }
  await render({ l: l, dayTotal: dayTotal, projects: projects });
}

async function render(state) {
  var list = await history();
  var projectRows = Object.keys(state.projects)
    .map(function (id) { return [state.projects[id].name, money(state.projects[id].cost), state.l.project ? money(state.l.project) : 'off']; })
    .sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
  var target = await webhookTarget();
  var where = !target ? 'Alerts show as a toast and a desktop notification.' : target.error ? 'Webhook: ' + target.error : 'Alerts also go to ' + (target.kind === 'slack' ? 'Slack' : target.host) + '.';
  await agor.ui.setPanel({
    type: 'blocks',
    title: 'Cost alerts',
    blocks: [
      { type: 'markdown', markdown: '**Today:** ' + money(state.dayTotal) + (state.l.day ? ' of ' + money(state.l.day) : '') + ' · **Per session:** ' + (state.l.session ? money(state.l.session) : 'off') + '\n\n' + where },
      { type: 'table', title: 'Projects this month', columns: ['Project', 'Cost', 'Limit'], rows: projectRows },
      {
        type: 'list', id: 'alerts', title: 'Recent alerts', empty: 'No limit crossed yet.',
        items: list.slice(0, 20).map(function (a, i) { return { id: 'a' + i, title: a.title, subtitle: a.message + ' (' + a.delivery + ')', badge: a.at.slice(0, 10) }; }),
      },
      { type: 'actions', id: 'tools', buttons: [{ id: 'check', label: 'Check now', tone: 'primary' }, { id: 'test', label: 'Send a test alert' }] },
    ],
  });
}

agor.ui.onAction('tools', async function (_values, actionId) {
  if (actionId === 'check') return check(null);
  if (actionId === 'test') {
    var target = await webhookTarget();
    if (!target) throw new Error('Choose Slack or an HTTPS webhook in the settings first.');
    if (target.error) throw new Error(target.error);
    await post(target, { scope: 'test', subject: 'test', period: 'test', threshold: 0, cost: 0, sessionId: null, title: 'Cost Alerts test', message: 'This is a test alert from Switchboard.' });
    return check(null);
  }
});

agor.events.on('session.complete', function (payload) {
  return check(payload.sessionId);
});

var CHECK_EVERY_MS = 60000;
function periodic() {
  check(null).catch(function (e) { console.error('Cost check failed: ' + e.message); });
}
periodic();
setInterval(periodic, CHECK_EVERY_MS);
