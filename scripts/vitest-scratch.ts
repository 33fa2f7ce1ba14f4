import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every test file's scratch folders (databases, plugin
 * folders, fake homes) go under one folder for the run, removed when the
 * run ends, so repeated runs leave nothing behind in the system's temp dir.
 * The test workers start after this and inherit TMPDIR.
 */
export default function setup(): () => void {
  const scratch = mkdtempSync(join(tmpdir(), 'switchboard-unit-'));
  process.env.TMPDIR = scratch;
  return () => rmSync(scratch, { recursive: true, force: true });
}
