// Packs a plugin folder into a .tar.gz for the built-in catalog. The bytes
// depend only on the files (fixed times, owners and modes, sorted names), so
// rebuilding an unchanged plugin gives the same checksum.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

const MTIME = new Date('2026-01-01T00:00:00Z');

function header(path: string, type: 'File' | 'Directory', size: number): Buffer {
  const block = Buffer.alloc(512);
  new Header({ path, type, mode: type === 'Directory' ? 0o755 : 0o644, size, mtime: MTIME, uid: 1000, gid: 1000 }).encode(block, 0);
  return block;
}

function blocksOf(dir: string, prefix: string, out: Buffer[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const path = prefix + name;
    if (statSync(full).isDirectory()) {
      out.push(header(`${path}/`, 'Directory', 0));
      blocksOf(full, `${path}/`, out);
    } else {
      const body = readFileSync(full);
      out.push(header(path, 'File', body.length));
      if (body.length) out.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
}

export function folderArchive(folder: string): Buffer {
  const blocks: Buffer[] = [];
  blocksOf(folder, '', blocks);
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 6 });
}
