/**
 * Entry of one plugin process (docs/architecture.md §4). Started by main with
 * `child_process.fork` (harness, tests) or Electron's `utilityProcess.fork`.
 * The plugin's code arrives after `lockdown()` in an `init` envelope and runs
 * in its own Compartment. The harness normally starts the same host from a
 * startup snapshot instead (`snapshot.ts`); this entry is the app's and the
 * fallback.
 */
import { startHost } from './host.ts';

// The one-file build of ses starts about a quarter faster than its module graph (bench/plugins.bench.ts).
await import(new URL('./dist/ses.mjs', import.meta.resolve('ses')).href);

startHost();
