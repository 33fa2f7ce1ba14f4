import type { Redactor } from './redact.ts';

export interface HubLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Every line passes through the redactor: a token must never reach a log. */
export function redactingLog(redactor: Redactor, write: (line: string) => void): HubLog {
  const line = (level: string, message: string) => write(`${new Date().toISOString()} ${level} ${redactor.redact(message)}`);
  return { info: (m) => line('info', m), warn: (m) => line('warn', m) };
}
