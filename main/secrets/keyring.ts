import { Entry, findCredentials, type EntryOptions } from '@napi-rs/keyring';

export const KEYRING_SERVICE = 'switchboard';

/** Where secret values live. Only the OS keyring implements it in the app. */
export interface KeyringBackend {
  set(name: string, value: string): void;
  get(name: string): string | null;
  delete(name: string): boolean;
  /** Throws when no usable keyring is reachable. */
  probe(): void;
  /** The names of every entry this app keeps in the keyring. */
  names(): string[];
}

/**
 * On Linux the library would quietly fall back to the kernel keyring, which
 * forgets everything at reboot. Pinning every entry to the Secret Service
 * makes a missing one fail loudly instead.
 */
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

const PROBE_ENTRY = '__switchboard_probe__';

export function osKeyring(service = KEYRING_SERVICE): KeyringBackend {
  const entry = (name: string) => new Entry(service, name, ENTRY_OPTIONS);
  return {
    set: (name, value) => entry(name).setPassword(value),
    get: (name) => entry(name).getPassword() ?? null,
    delete: (name) => entry(name).deleteCredential(),
    // Reading a missing entry succeeds even on a locked keyring; only a write proves secrets can be stored.
    probe: () => {
      const marker = entry(PROBE_ENTRY);
      marker.setPassword('probe');
      marker.deleteCredential();
    },
    names: () => findCredentials(service).map((c) => c.account).filter((name) => name !== PROBE_ENTRY),
  };
}

/** What to tell the user when the keyring cannot be reached, per platform. */
export function keyringHelp(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return 'Switchboard keeps secrets only in the macOS Keychain, and it could not be opened. Unlock your login keychain in Keychain Access and try again.';
    case 'win32':
      return 'Switchboard keeps secrets only in the Windows Credential Manager, and it could not be reached. Sign in to Windows with your user account and try again.';
    default:
      return 'Switchboard keeps secrets only in your desktop keyring (the Secret Service), and none is reachable. Install one (for example: apt-get install gnome-keyring), make sure it runs in your D-Bus session and is unlocked, then try again.';
  }
}
