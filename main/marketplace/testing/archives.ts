import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';

export interface TestEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';
  body?: Buffer | string;
  linkpath?: string;
  mode?: number;
}

const MTIME = new Date('2026-01-01T00:00:00Z');

/**
 * Writes a tar archive header by header, so tests can build exactly the
 * hostile archives a real tool would refuse to make (absolute paths, `..`,
 * links, devices).
 */
export function tarBytes(entries: readonly TestEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const body = entry.body === undefined ? Buffer.alloc(0) : Buffer.from(entry.body);
    const data: HeaderData = {
      path: entry.path,
      type,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: type === 'File' ? body.length : 0,
      mtime: MTIME,
      uid: 1000,
      gid: 1000,
      ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
    };
    const header = Buffer.alloc(512);
    new Header(data).encode(header, 0);
    blocks.push(header);
    if (type === 'File' && body.length) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function tarGz(entries: readonly TestEntry[]): Buffer {
  return gzipSync(tarBytes(entries), { level: 6 });
}

export interface TestPluginSpec {
  id: string;
  version: string;
  name?: string;
  permissions?: string[];
  /** Replaces the generated plugin.json. */
  manifest?: Record<string, unknown> | string;
  /** Extra files beside plugin.json and main.js. */
  files?: TestEntry[];
}

export function pluginManifest(spec: TestPluginSpec): Record<string, unknown> {
  return {
    id: spec.id,
    name: spec.name ?? spec.id,
    version: spec.version,
    description: `Test plugin ${spec.id}`,
    main: 'main.js',
    permissions: spec.permissions ?? [],
  };
}

export function pluginArchive(spec: TestPluginSpec): Buffer {
  const manifest = spec.manifest ?? pluginManifest(spec);
  return tarGz([
    { path: 'plugin.json', body: typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2) },
    { path: 'main.js', body: `// ${spec.id} ${spec.version}\nexport default { activate() {} };\n` },
    ...(spec.files ?? []),
  ]);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
