import { Entry, type EntryOptions } from '@napi-rs/keyring';

export const KEYRING_SERVICE = 'switchboard';

/** Where secret values live. Only the OS keyring implements it in the app. */
export interface KeyringBackend {
  set(name: string, value: string): void;
  get(name: string): string | null;
  delete(name: string): boolean;
  /** Throws when no usable keyring is reachable. */
  probe(): void;
}

/**
 * On Linux the library would quietly fall back to the kernel keyring, which
 * forgets everything at reboot. Pinning every entry to the Secret Service
 * makes a missing one fail loudly instead.
 */
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

export function osKeyring(service = KEYRING_SERVICE): KeyringBackend {
  const entry = (name: string) => new Entry(service, name, ENTRY_OPTIONS);
  return {
    set: (name, value) => entry(name).setPassword(value),
    get: (name) => entry(name).getPassword() ?? null,
    delete: (name) => entry(name).deleteCredential(),
    probe: () => {
      entry('__switchboard_probe__').getPassword();
    },
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
