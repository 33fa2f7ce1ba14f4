var errors = [];

agor.messages.onMessage(function (msg) {
  if (msg.type !== 'error') return;
  errors.push([new Date().toISOString().slice(11, 19), msg.sessionId, String(msg.content).slice(0, 200)]);
  if (errors.length > 50) errors.shift();
  agor.ui.setPanel({ type: 'table', title: 'Recent agent errors', columns: ['time', 'session', 'error'], rows: errors });
});
