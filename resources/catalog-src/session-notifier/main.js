var started = {};

agor.events.on('session.start', function (payload) {
  started[payload.sessionId] = Date.now();
});

agor.events.on('session.complete', function (payload) {
  var since = started[payload.sessionId];
  delete started[payload.sessionId];
  var minutes = since ? Math.max(1, Math.round((Date.now() - since) / 60000)) : null;
  bt.notify(minutes ? 'Session finished after ' + minutes + ' min' : 'Session finished');
});
