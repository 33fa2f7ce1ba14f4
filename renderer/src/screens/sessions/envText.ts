import type { AgentEnvEntry } from '../../../../app/contract/agents.ts';

/** A value written `keyring:<entry>` is read from that keyring entry when the agent starts. */
const KEYRING = 'keyring:';

/** The variables as the text box shows them, one `NAME=value` a line. */
export function formatEnv(entries: readonly AgentEnvEntry[]): string {
  return entries.map((e) => `${e.name}=${e.secret ? KEYRING : ''}${e.value}`).join('\n');
}

/**
 * The text box's lines as variables; blank lines and `#` comments are
 * skipped. A line without `=` is an error naming its line (main checks the
 * names and values themselves).
 */
export function parseEnv(text: string): { entries: AgentEnvEntry[]; error: string | null } {
  const entries: AgentEnvEntry[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { entries: [], error: `Line ${i + 1} needs the form NAME=value` };
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    entries.push(value.startsWith(KEYRING) ? { name, value: value.slice(KEYRING.length), secret: true } : { name, value, secret: false });
  }
  return { entries, error: null };
}
