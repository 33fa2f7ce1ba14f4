// Session Stats: the numbers of one session (the one open in the window, or the latest), kept current as its messages arrive.
var shownId = null;
/** True while no session is open in the window and the latest one is shown instead. */
var followingLatest = true;
var refreshTimer = null;

function compact(n) {
  if (n < 1000) return String(n);
  if (n < 10000) return (n / 1000).toFixed(1).replace(/\.0$/, '') + 'k';
  if (n < 1000000) return Math.round(n / 1000) + 'k';
  return (n / 1000000).toFixed(1).replace(/\.0$/, '') + 'M';
}

function cost(session, decimals) {
  if (session.costUsd === null) return 'cost unknown';
  return (session.costSource === 'estimated' ? '≈$' : '$') + session.costUsd.toFixed(decimals);
}

function grouped(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

async function pickSession() {
  var current = await agor.sessions.current();
  followingLatest = !current.sessionId;
  if (current.sessionId) return current.sessionId;
  if ((await agor.settings.get('whenNoneOpen')) !== 'latest') return null;
  var recent = await agor.sessions.list({ limit: 1 });
  return recent.length ? recent[0].id : null;
}

async function render() {
  shownId = await pickSession();
  var session = shownId ? await agor.sessions.get(shownId) : null;
  if (!session) {
    await agor.ui.setStatus(null);
    await agor.ui.setPanel({ type: 'markdown', title: 'Session stats', markdown: 'No session to show yet. Open a session, or start one, and its tokens and cost appear here.' });
    return;
  }
  var decimals = await agor.settings.get('decimals');
  var format = await agor.settings.get('statusFormat');
  var tokens = compact(session.inputTokens) + ' in · ' + compact(session.outputTokens) + ' out';
  var text = format === 'tokens' ? tokens : format === 'cost' ? cost(session, decimals) : tokens + ' · ' + cost(session, decimals);
  await agor.ui.setStatus(text, { tooltip: (session.title || 'Untitled session').slice(0, 200) + ' · ' + session.turnCount + ' turns' });
  await agor.ui.setPanel({
    type: 'table',
    title: session.title || 'Untitled session',
    columns: ['Measure', 'Value'],
    rows: [
      ['Input tokens', grouped(session.inputTokens)],
      ['Cache reads (part of input)', grouped(session.cacheReadTokens)],
      ['Cache writes (part of input)', grouped(session.cacheWriteTokens)],
      ['Output tokens', grouped(session.outputTokens)],
      ['Cost', cost(session, decimals) + (session.costSource === 'estimated' ? ' (estimated from prices)' : '')],
      ['Turns', session.turnCount],
      ['Tool calls', session.toolCallCount],
      ['Model', session.model || 'unknown'],
      ['Status', session.status],
    ],
  });
}

function refreshSoon() {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(function () {
    refreshTimer = null;
    render().catch(function (err) { console.error('Session Stats could not refresh: ' + err.message); });
  }, 200);
}

agor.messages.onMessage(function (message) {
  if (followingLatest || message.sessionId === shownId) refreshSoon();
});
agor.events.on('session.start', refreshSoon);
agor.events.on('session.viewed', refreshSoon);
agor.settings.onChange(refreshSoon);
agor.events.on('session.complete', refreshSoon);
refreshSoon();
