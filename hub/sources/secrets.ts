import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redactor } from '../redact.ts';

/**
 * Source tokens live outside the database, one file each, readable only by
 * the Hub's own user; the database keeps only the reference (the file name).
 */
export class SecretFiles {
  readonly #dir: string;
  readonly #redactor: Redactor;

  constructor(dataDir: string, redactor: Redactor) {
    this.#dir = join(dataDir, 'secrets');
    this.#redactor = redactor;
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    chmodSync(this.#dir, 0o700);
  }

  store(value: string): string {
    const ref = `secret-${randomBytes(9).toString('hex')}`;
    writeFileSync(join(this.#dir, ref), value, { mode: 0o600, flag: 'wx' });
    this.#redactor.remember(value);
    return ref;
  }

  read(ref: string): string | null {
    if (!/^secret-[0-9a-f]{18}$/.test(ref)) return null;
    const path = join(this.#dir, ref);
    if (!existsSync(path)) return null;
    const value = readFileSync(path, 'utf8');
    this.#redactor.remember(value);
    return value;
  }

  delete(ref: string): void {
    if (/^secret-[0-9a-f]{18}$/.test(ref)) rmSync(join(this.#dir, ref), { force: true });
  }
}
