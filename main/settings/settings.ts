import type { Static } from '@sinclair/typebox';
import { DEFAULT_SETTINGS, type EditableSettings, type Settings } from '../../app/contract/settings.ts';
import type { Db, Migration } from '../db/database.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { AuditLog } from '../audit/audit.ts';
import { AppError } from '../../app/contract/envelope.ts';

export type AppSettings = Static<typeof Settings>;
export type SettingsPatch = Partial<Static<typeof EditableSettings>>;

export const settingsMigrations: Migration[] = [
  {
    id: 'settings/create-settings',
    up(db) {
      db.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    },
  },
];

const THEMES = new Set(['light', 'dark', 'system']);
const UPDATE_CHECKS = new Set(['on', 'ask', 'off']);

/** Checks meaning, not just shape, so internal callers get the same guarantees as the renderer. */
export function checkSettingsPatch(patch: SettingsPatch): void {
  const problems: string[] = [];
  const known = new Set(Object.keys(DEFAULT_SETTINGS));
  for (const key of Object.keys(patch)) if (!known.has(key)) problems.push(`"${key}" is not a setting you can change`);
  if (patch.theme !== undefined && !THEMES.has(patch.theme)) problems.push('Theme must be light, dark or system');
  const int = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  if (patch.catalogRefreshMinutes !== undefined && !int(patch.catalogRefreshMinutes, 5, 1440)) {
    problems.push('Catalog refresh must be a whole number of minutes from 5 to 1440');
  }
  if (patch.auditRetentionDays !== undefined && !int(patch.auditRetentionDays, 1, 3650)) {
    problems.push('Audit retention must be a whole number of days from 1 to 3650');
  }
  if (patch.pluginIdleMinutes !== undefined && !int(patch.pluginIdleMinutes, 1, 1440)) {
    problems.push('Plugin idle time must be a whole number of minutes from 1 to 1440');
  }
  if (patch.updateChecks !== undefined && !UPDATE_CHECKS.has(patch.updateChecks)) problems.push('Update checks must be on, ask or off');
  if (patch.desktopNotifications !== undefined && typeof patch.desktopNotifications !== 'boolean') {
    problems.push('Desktop notifications must be on or off');
  }
  if (patch.teamUsage !== undefined) {
    const problem = teamUsageProblem(patch.teamUsage);
    if (problem) throw new AppError('invalid_argument', [...problems, problem].join('. '), { 'teamUsage.hubUrl': problem });
  }
  if (problems.length) throw new AppError('invalid_argument', problems.join('. '));
}

/** The Hub address must be https (the token travels with every report); it may be empty only while sharing is off. */
function teamUsageProblem(t: { enabled: boolean; hubUrl: string }): string | null {
  if (typeof t !== 'object' || t === null || typeof t.enabled !== 'boolean' || typeof t.hubUrl !== 'string') return 'Team usage needs an on/off switch and a Hub address';
  if (t.hubUrl === '') return t.enabled ? 'Enter the Hub address to send team usage to' : null;
  let url: URL;
  try {
    url = new URL(t.hubUrl);
  } catch {
    return `"${t.hubUrl}" is not a web address; enter one like https://hub.example.com`;
  }
  if (url.protocol !== 'https:') return 'The Hub address must start with https://, so your token is never sent in the clear';
  if (url.username || url.password) return 'Leave the user name and password out of the Hub address; the token is entered on its own';
  return null;
}

export class SettingsService {
  readonly #db: Db;
  readonly #events: AppEvents;
  readonly #audit: AuditLog;
  readonly #dataFolder: string;

  constructor(db: Db, events: AppEvents, audit: AuditLog, dataFolder: string) {
    this.#db = db;
    this.#events = events;
    this.#audit = audit;
    this.#dataFolder = dataFolder;
  }

  get(): AppSettings {
    const stored: Record<string, unknown> = {};
    for (const row of this.#db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]) {
      stored[row.key] = JSON.parse(row.value);
    }
    return { ...DEFAULT_SETTINGS, ...stored, dataFolder: this.#dataFolder } as AppSettings;
  }

  update(patch: SettingsPatch): AppSettings {
    checkSettingsPatch(patch);
    const before = this.get();
    const changed = Object.entries(patch).filter(([k, v]) => JSON.stringify(before[k as keyof AppSettings]) !== JSON.stringify(v));
    if (changed.length === 0) return before;
    const put = this.#db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.#db.transaction(() => {
      for (const [key, value] of changed) put.run(key, JSON.stringify(value));
    })();
    const after = this.get();
    for (const [key, value] of changed) {
      this.#audit.append('settings_changed', 'user', key, { from: before[key as keyof AppSettings], to: value });
    }
    this.#events.emit('settings.changed', after);
    return after;
  }
}
