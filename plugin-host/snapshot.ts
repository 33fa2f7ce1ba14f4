/**
 * Entry of the harness's startup snapshot (main/plugins/host-snapshot.ts
 * builds it): the one-file ses build runs before this file and both are
 * evaluated once, when the snapshot is built, so a plugin process starts
 * with ses and the host already loaded instead of parsing about 400 KB of
 * JavaScript. `lockdown()` still runs in every process, in `startHost`:
 * a snapshot taken after lockdown cannot be restored, because Node's own
 * start-up writes to built-ins that lockdown has frozen.
 */
import { startupSnapshot } from 'node:v8';
import { startHost } from './host.ts';

startupSnapshot.setDeserializeMainFunction(startHost);
