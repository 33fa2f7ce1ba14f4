import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';

export interface Logger {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** Appends to one log file in the data folder and mirrors to stderr when asked. */
export function createFileLogger(file: string, options: { mirror?: boolean } = {}): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const write = (level: string, message: string, extra: unknown[]) => {
    const tail = extra.map((e) => (e instanceof Error ? (e.stack ?? e.message) : inspect(e, { depth: 3 }))).join(' ');
    const line = `${new Date().toISOString()} ${level} ${message}${tail ? ` ${tail}` : ''}\n`;
    appendFileSync(file, line);
    if (options.mirror) process.stderr.write(line);
  };
  return {
    info: (m, ...e) => write('INFO', m, e),
    warn: (m, ...e) => write('WARN', m, e),
    error: (m, ...e) => write('ERROR', m, e),
  };
}
