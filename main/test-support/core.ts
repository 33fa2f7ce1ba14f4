import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notification, NativeNotifier } from '../notifications/notifications.ts';
import type { KeyringBackend } from '../secrets/keyring.ts';
import { startServices, type AppServices } from '../services.ts';

/** Records what would have gone to the desktop, and can pretend the OS has no notification service. */
export class RecordingNotifier implements NativeNotifier {
  readonly shown: Notification[] = [];
  supported = true;
  isSupported(): boolean {
    return this.supported;
  }
  show(notification: Notification): void {
    this.shown.push(notification);
  }
}

export interface TestServices {
  services: AppServices;
  dataDir: string;
  native: RecordingNotifier;
}

/** Real services on a real SQLite file in a fresh temporary folder. */
export function startTestServices(options: { keyring?: KeyringBackend; dataDir?: string } = {}): TestServices {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sb-main-'));
  const native = new RecordingNotifier();
  // Never the developer's own ~/.claude or ~/.codex: agent transcripts are followed in the test's folder.
  const services = startServices({ dataDir, appVersion: '0.1.0-test', native, agentHome: join(dataDir, 'home'), ...(options.keyring ? { keyring: options.keyring } : {}) });
  return { services, dataDir, native };
}
