/// <reference types="ses" />
/**
 * Entry of one plugin process (DESIGN.md §4). Started by main with
 * `child_process.fork` (harness, tests) or Electron's `utilityProcess.fork`.
 * Everything the host needs is imported before `lockdown()` freezes the
 * shared built-ins; the plugin's code arrives afterwards in an `init`
 * envelope and runs in its own Compartment.
 */
import { PluginHostRuntime } from './runtime.ts';
import { connectToMain } from './transport.ts';

// The one-file build of ses starts about a quarter faster than its module graph (bench/plugins.bench.ts).
await import(new URL('./dist/ses.mjs', import.meta.resolve('ses')).href);

const transport = connectToMain();

lockdown({
  // The host reports failures to main itself; SES's own handlers would print and exit instead.
  errorTrapping: 'none',
  unhandledRejectionTrapping: 'none',
});

const runtime = new PluginHostRuntime(transport);

process.on('unhandledRejection', (reason) => {
  runtime.log('error', `Unhandled promise rejection: ${reason instanceof Error ? reason.message : String(reason)}`);
});
process.on('uncaughtException', (err) => {
  runtime.log('error', `Uncaught exception: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
  setImmediate(() => process.exit(1));
});

transport.onMessage((message) => runtime.handle(message));
