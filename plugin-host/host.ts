/// <reference types="ses" />
import { PluginHostRuntime } from './runtime.ts';
import { connectToMain } from './transport.ts';

/**
 * Starts the host once `ses` has been evaluated: connects to main, calls
 * `lockdown()` and hands every envelope to the runtime. Everything the host
 * needs is loaded before this runs, so nothing is imported after the shared
 * built-ins are frozen. `main.ts` calls it after importing ses; under the
 * harness the startup snapshot (`snapshot.ts`) calls it as its main function.
 */
export function startHost(): void {
  const transport = connectToMain();

  lockdown({
    // The host reports failures to main itself; SES's own handlers would print and exit instead.
    errorTrapping: 'none',
    unhandledRejectionTrapping: 'none',
    // Diagnostics only, not safety (SES's own words): the global console is a host power that no
    // plugin receives (each gets a console that streams to its log), and stack filtering only shapes
    // what that console prints. Leaving both alone takes about a quarter off lockdown(), which is the
    // largest part of a plugin's cold start (bench/plugins.bench.ts).
    consoleTaming: 'unsafe',
    stackFiltering: 'verbose',
  });

  const runtime = new PluginHostRuntime(transport);

  process.on('unhandledRejection', (reason) => {
    // A refused call a palette command left unhandled fails that command instead (main logged the refusal).
    if (runtime.absorbRejection(reason)) return;
    runtime.log('error', `Unhandled promise rejection: ${reason instanceof Error ? reason.message : String(reason)}`);
  });
  process.on('uncaughtException', (err) => {
    runtime.log('error', `Uncaught exception: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  });

  transport.onMessage((message) => runtime.handle(message));
}
