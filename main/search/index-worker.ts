import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { INDEX_RANGE_SQL, messageTableSql, type IndexReport, type IndexRequest, type IndexWorkerData } from './index-file.ts';

/**
 * The message index's writer (see index-file.ts). The main thread created the
 * file and its tables; this thread reads committed messages from the app
 * database and indexes them in order, recording how far it got in the same
 * transaction, so a crash at any point resumes where the last commit left off.
 */
const port = parentPort;
if (!port) throw new Error('index-worker.ts runs as a worker thread');
const { searchPath, databasePath, chunk, closing } = workerData as IndexWorkerData;
/** Read between transactions: a long catch-up does not hold up closing the app (its close request waits in the queue). */
const closeRequested = new Int32Array(closing);

const db = new Database(searchPath);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -32000');
db.prepare('ATTACH DATABASE ? AS app').run(databasePath);

const indexedThrough = db.prepare('SELECT indexed_through FROM main.index_state').pluck();
const newest = db.prepare('SELECT coalesce(max(seq), 0) FROM app.messages').pluck();
const indexRange = db.prepare(INDEX_RANGE_SQL);
const record = db.prepare('UPDATE main.index_state SET indexed_through = ?');

const report = (r: IndexReport) => port.postMessage(r);

/** Indexes every committed message past the mark, a chunk per transaction, until none is left. */
function catchUp(): number {
  let from = indexedThrough.get() as number;
  for (;;) {
    const last = newest.get() as number;
    if (last <= from || Atomics.load(closeRequested, 0) === 1) return from;
    const to = Math.min(last, from + chunk);
    db.transaction(() => {
      indexRange.run(from, to);
      record.run(to);
    })();
    from = to;
    report({ type: 'indexed', through: to });
  }
}

/** Starts over from `messages` in one transaction: searches see the old index until the new one is complete. */
function rebuild(): number {
  return db.transaction(() => {
    db.exec('DROP TABLE main.search_messages');
    db.exec(messageTableSql('main'));
    const last = newest.get() as number;
    indexRange.run(0, last);
    record.run(last);
    return last;
  })();
}

port.on('message', (request: IndexRequest) => {
  switch (request.type) {
    case 'catch-up':
      report({ type: 'idle', through: catchUp() });
      break;
    case 'rebuild':
      report({ type: 'rebuilt', through: rebuild() });
      report({ type: 'idle', through: catchUp() });
      break;
    case 'close':
      db.close();
      report({ type: 'closed' });
      port.close();
      break;
  }
});
