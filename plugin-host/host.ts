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
}
