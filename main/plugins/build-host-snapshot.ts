import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'rolldown';

/**
 * Builds the harness's plugin-host startup snapshot (see host-snapshot.ts):
 * `node build-host-snapshot.ts <host entry> <script out> <blob out> <inputs out>`.
 * The script is the one-file ses build followed by the host bundled to
 * CommonJS (a snapshot's entry must be one script); Node then evaluates it
 * and writes the blob. Last comes the list of every file that went in, with
 * its hash, which main compares to decide whether the blob is current. Each
 * lands through a rename, so a process starting a plugin at the same time
 * never sees half a file.
 */
const [entry, scriptPath, blobPath, inputsPath] = process.argv.slice(2);
if (!entry || !scriptPath || !blobPath || !inputsPath) throw new Error('usage: build-host-snapshot.ts <host entry> <script out> <blob out> <inputs out>');

function writeThroughRename(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

const bundle = await build({ input: entry, platform: 'node', write: false, output: { format: 'cjs' }, logLevel: 'warn' });
const sesPath = join(dirname(createRequire(import.meta.url).resolve('ses/package.json')), 'dist', 'ses.cjs');
writeThroughRename(scriptPath, `${readFileSync(sesPath, 'utf8')}\n;\n${bundle.output[0].code}`);

const blobTemporary = `${blobPath}.${process.pid}.tmp`;
const built = spawnSync(process.execPath, ['--snapshot-blob', blobTemporary, '--build-snapshot', scriptPath], { encoding: 'utf8', env: {} });
if (built.status !== 0) {
  rmSync(blobTemporary, { force: true });
  throw new Error(`node --build-snapshot failed: ${(built.stderr || built.error?.message || `exit ${built.status}`).trim().slice(0, 2000)}`);
}
renameSync(blobTemporary, blobPath);

const inputs = [sesPath, ...bundle.output[0].moduleIds.filter((id) => !id.startsWith('\0') && !id.startsWith('node:'))];
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
writeThroughRename(inputsPath, JSON.stringify({ node: process.version, execPath: process.execPath, inputs: Object.fromEntries(inputs.map((p) => [p, sha256(p)])) }, null, 2));
