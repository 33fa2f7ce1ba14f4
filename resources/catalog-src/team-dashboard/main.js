// Team Dashboard: reads the Hub's team usage totals (the same figures as the
// Hub's own usage page) and shows them by person, project, model and day.

var DIMENSIONS = [
  { by: 'person', title: 'By person' },
  { by: 'project', title: 'By project' },
  { by: 'model', title: 'By model' },
];

function money(n) {
  return '$' + (Math.round(n * 100) / 100).toFixed(2);
}

function tokens(n) {
  return n >= 1e6 ? (n / 1e6).toFixed(1) + 'M' : n >= 1e3 ? Math.round(n / 1e3) + 'k' : String(n);
}

function day(d) {
  return d.toISOString().slice(0, 10);
}

function parseHub(address) {
  var m = /^https:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?\/?$/i.exec(address);
  if (!m) return null;
  return { origin: 'https://' + m[1] + (m[2] || ''), host: m[1].toLowerCase().replace(/^\[(.*)\]$/, '$1') };
}

var HOW_TO_CONNECT = [
  'A **Switchboard Hub** collects your team\'s agent usage: desktops that opt in (Settings → Team Hub) send each session\'s tokens, cost, model, duration and project name, never message content.',
  '',
  'To see it here:',
  '1. Ask your Hub admin for the Hub\'s address and a personal access token of yours (an admin creates one under **Users** in the Hub). Admins see everyone\'s usage; members see that of their groups an admin allowed to read it.',
  '2. Open **Settings** of this plugin and enter the address (`https://…`) and the token.',
  '3. Press **Refresh**. Switchboard asks you once whether the plugin may reach that host.',
  '',
  'Running the Hub yourself: `npm run hub` prints its address and the first admin token.',
].join('\n');

function hubReason(res) {
  try {
    var body = JSON.parse(res.body);
    return body && typeof body.error === 'string' ? body.error : '';
  } catch {
    return '';
  }
}

// The Hub decides who reads what: an admin reads everyone's usage, a member that of their groups an admin allowed it.
async function fetchTotals(hub, token, by, from, to) {
  var res = await agor.net.fetch(hub.origin + '/api/usage?by=' + by + '&from=' + from + '&to=' + to, { headers: { authorization: 'Bearer ' + token, accept: 'application/json' } });
  if (res.status === 401) throw new Error('The Hub did not accept the token: it may have been revoked or have expired. Ask your admin for a new one.');
  if (res.status === 403) throw new Error(hubReason(res) || 'The Hub does not let this token read team usage. Ask your Hub admin.');
  if (res.status !== 200) throw new Error('The Hub answered ' + res.status + (res.statusText ? ' ' + res.statusText : '') + '.');
  var answer;
  try {
    answer = JSON.parse(res.body);
  } catch {
    throw new Error('The Hub\'s answer was not JSON; is ' + hub.origin + ' a Switchboard Hub?');
  }
  if (!answer || !Array.isArray(answer.rows)) throw new Error('The Hub\'s answer was not a list of totals; is the Hub up to date?');
  return answer;
}

function whose(groups) {
  return groups === null ? 'everyone (you are a Hub admin)' : (groups.length === 1 ? 'group ' : 'groups ') + groups.join(', ');
}

function table(title, rows) {
  return {
    type: 'table', title: title,
    columns: ['', 'Sessions', 'Input', 'Output', 'Cost'],
    rows: rows.slice(0, 100).map(function (r) { return [String(r.key), r.sessions, tokens(r.inputTokens), tokens(r.outputTokens), money(r.costUsd)]; }),
  };
}

async function refresh() {
  var address = String((await agor.settings.get('hub_url')) || '').trim();
  var token = String((await agor.settings.get('hub_token')) || '').trim();
  var days = Math.max(1, Math.min(366, Math.floor(Number(await agor.settings.get('days')) || 30)));
  var actions = { type: 'actions', id: 'dashboard', buttons: [{ id: 'refresh', label: 'Refresh', tone: 'primary' }] };
  if (!address || !token) {
    await agor.ui.setPanel({ type: 'blocks', title: 'Team usage', blocks: [{ type: 'markdown', markdown: '### No Hub connected\n\n' + HOW_TO_CONNECT }, actions] });
    return;
  }
  var hub = parseHub(address);
  if (!hub) {
    await agor.ui.setPanel({ type: 'blocks', title: 'Team usage', blocks: [{ type: 'markdown', markdown: '### The Hub address is not usable\n\n"' + address.slice(0, 100) + '" should be an https:// address with no path, such as https://hub.example.com.\n\n' + HOW_TO_CONNECT }, actions] });
    return;
  }
  var to = new Date();
  var from = new Date(to.getTime() - (days - 1) * 86400000);
  try {
    await agor.net.allowHost(hub.host, 'Read your team\'s usage from your Switchboard Hub');
    var answer = await fetchTotals(hub, token, 'day', day(from), day(to));
    var byDay = answer.rows;
    var blocks = [];
    var total = byDay.reduce(function (a, r) { return { cost: a.cost + r.costUsd, sessions: a.sessions + r.sessions }; }, { cost: 0, sessions: 0 });
    blocks.push({ type: 'markdown', markdown: '**' + hub.host + '** · ' + whose(answer.groups) + ' · last ' + days + ' days (' + day(from) + ' to ' + day(to) + ') · **' + total.sessions + '** sessions · **' + money(total.cost) + '**' });
    for (var d of DIMENSIONS) blocks.push(table(d.title, (await fetchTotals(hub, token, d.by, day(from), day(to))).rows));
    var costByDay = {};
    for (var r of byDay) costByDay[r.key] = r.costUsd;
    var values = [];
    for (var i = 0; i < days; i++) values.push(costByDay[day(new Date(from.getTime() + i * 86400000))] || 0);
    blocks.push({ type: 'sparkline', title: 'Cost per day', values: values, label: money(total.cost) + ' in ' + days + ' days' });
    blocks.push(table('By day', byDay));
    blocks.push(actions);
    await agor.ui.setPanel({ type: 'blocks', title: 'Team usage', blocks: blocks });
  } catch (e) {
    await agor.ui.setPanel({ type: 'blocks', title: 'Team usage', blocks: [{ type: 'markdown', markdown: '### Could not read team usage\n\n' + e.message }, actions] });
    throw e;
  }
}

agor.ui.onAction('dashboard', function () {
  return refresh();
});

refresh().catch(function (e) { console.warn('Team usage: ' + e.message); });
