// Time Tracker: active time is the sum of the gaps between a session's messages, except gaps longer than the idle threshold.
var DAY_MS = 86400000;
var refreshTimer = null;

function dayOf(ms) {
  var d = new Date(ms);
  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
}

function duration(ms) {
  var minutes = Math.round(ms / 60000);
  if (ms > 0 && minutes === 0) return Math.max(1, Math.round(ms / 1000)) + ' s';
  if (minutes < 60) return minutes + ' min';
  return Math.floor(minutes / 60) + ' h ' + String(minutes % 60).padStart(2, '0') + ' min';
}

async function timestampsOf(sessionId) {
  var times = [];
  var after = -1;
  for (;;) {
    var page = await agor.sessions.messages(sessionId, after < 0 ? { limit: 1000 } : { afterSeq: after, limit: 1000 });
    page.forEach(function (m) {
      var t = Date.parse(m.timestamp);
      if (!isNaN(t)) times.push(t);
    });
    if (page.length < 1000) break;
    after = page[page.length - 1].index;
  }
  return times.sort(function (a, b) { return a - b; });
}

/** Active milliseconds of one session, split by the day each counted gap began on; and what was left out as idle. */
function measure(times, idleMs) {
  var byDay = {};
  var total = 0;
  var idle = 0;
  for (var i = 1; i < times.length; i++) {
    var gap = times[i] - times[i - 1];
    if (gap > idleMs) {
      idle += gap;
      continue;
    }
    total += gap;
    var day = dayOf(times[i - 1]);
    byDay[day] = (byDay[day] || 0) + gap;
  }
  return { total: total, idle: idle, byDay: byDay };
}

async function render() {
  var idleMinutes = await agor.settings.get('idleMinutes');
  var days = await agor.settings.get('days');
  var now = Date.now();
  var firstDay = dayOf(now - (days - 1) * DAY_MS);
  var sessions = (await agor.sessions.list({ limit: await agor.settings.get('maxSessions') })).filter(function (s) {
    return dayOf(Date.parse(s.lastActivityAt)) >= firstDay;
  });
  var perDay = {};
  var sessionsPerDay = {};
  var perProject = {};
  var rows = [];
  for (var i = 0; i < sessions.length; i++) {
    var s = sessions[i];
    var m = measure(await timestampsOf(s.id), idleMinutes * 60000);
    var inWindow = 0;
    Object.keys(m.byDay).forEach(function (day) {
      if (day < firstDay) return;
      perDay[day] = (perDay[day] || 0) + m.byDay[day];
      sessionsPerDay[day] = (sessionsPerDay[day] || 0) + 1;
      inWindow += m.byDay[day];
    });
    if (inWindow === 0) continue;
    var project = s.projectName || 'No project';
    perProject[project] = perProject[project] || { ms: 0, sessions: 0 };
    perProject[project].ms += inWindow;
    perProject[project].sessions += 1;
    rows.push({ title: s.title || 'Untitled session', project: project, ms: inWindow, idle: m.idle });
  }
  var dayList = [];
  for (var d = days - 1; d >= 0; d--) dayList.push(dayOf(now - d * DAY_MS));
  var total = dayList.reduce(function (sum, day) { return sum + (perDay[day] || 0); }, 0);
  var today = perDay[dayOf(now)] || 0;
  var blocks = [
    { type: 'markdown', markdown: '**Today: ' + duration(today) + '** · last ' + days + ' day' + (days === 1 ? '' : 's') + ': ' + duration(total) + ' · pauses over ' + idleMinutes + ' min left out' },
    { type: 'sparkline', title: 'Minutes per day', values: dayList.map(function (day) { return Math.round((perDay[day] || 0) / 60000); }), label: dayList[0] + ' to ' + dayList[dayList.length - 1] },
    {
      type: 'table',
      title: 'Daily summary',
      columns: ['Day', 'Active time', 'Sessions'],
      rows: dayList.slice().reverse().filter(function (day) { return perDay[day]; }).map(function (day) { return [day, duration(perDay[day]), sessionsPerDay[day]]; }),
    },
    {
      type: 'table',
      title: 'Per project',
      columns: ['Project', 'Active time', 'Sessions'],
      rows: Object.keys(perProject).sort(function (a, b) { return perProject[b].ms - perProject[a].ms; }).map(function (p) { return [p, duration(perProject[p].ms), perProject[p].sessions]; }),
    },
    {
      type: 'table',
      title: 'Per session',
      columns: ['Session', 'Project', 'Active time', 'Idle left out'],
      rows: rows.sort(function (a, b) { return b.ms - a.ms; }).slice(0, 100).map(function (r) { return [r.title.slice(0, 200), r.project, duration(r.ms), duration(r.idle)]; }),
    },
    { type: 'actions', id: 'refresh', buttons: [{ id: 'refresh', label: 'Refresh' }] },
  ];
  await agor.ui.setPanel({ type: 'blocks', title: 'Time tracker', blocks: blocks });
}

function refreshSoon() {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(function () {
    refreshTimer = null;
    render().catch(function (err) { console.error('Time Tracker could not refresh: ' + err.message); });
  }, 500);
}

agor.ui.onAction('refresh', function () { return render().then(function () { return null; }); });
agor.events.on('session.complete', refreshSoon);
agor.settings.onChange(refreshSoon);
refreshSoon();
