import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketplaceFixture } from '../main/marketplace/testing/fixture.ts';
import { TestHttpsServer } from '../main/marketplace/testing/https-server.ts';
import ts from 'typescript';
import { pack, scaffold, sign, validate } from './plugin-kit.ts';
import { agorTypes, TYPES_FILE } from './plugin-types.ts';

/** What the editor of a `// @ts-check` plugin reports for its script. */
function typeErrors(script: string): string[] {
  const program = ts.createProgram([script], { allowJs: true, checkJs: true, noEmit: true, types: [], lib: ['lib.es2022.d.ts'], target: ts.ScriptTarget.ES2022 });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-plugin-kit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LABEL = 'kit-hello: Say hello';

describe('the plugin author kit', () => {
  it('scaffolds a plugin that validates: manifest, rules, and a dry load whose command answers', async () => {
    const folder = scaffold('kit-hello', dir);
    expect(readFileSync(join(folder, 'index.js'), 'utf8')).toMatch(/^\/\/ @ts-check\n\/\/\/ <reference path=".*schemas\/agor\.d\.ts" \/>/);
    const report = await validate(folder, { run: LABEL });
    expect(report).toMatchObject({ id: 'kit-hello', errors: [], warnings: [], commands: [LABEL], commandReply: 'said hello' });
  });

  it('a // @ts-check plugin is checked against the generated declarations of the whole API', () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(agorTypes());
    const script = join(scaffold('kit-typed', dir), 'index.js');
    expect(typeErrors(script)).toEqual([]);
    writeFileSync(script, `${readFileSync(script, 'utf8')}\nagor.notifications.send(42);\nagor.git.log({ project: 'p' });\nagor.messages.onMessage((m) => m.tool_call?.file_path?.toUpperCase());\n`);
    const errors = typeErrors(script).join('\n');
    expect(errors).toMatch(/Argument of type 'number' is not assignable to parameter of type 'string'/);
    expect(errors).toMatch(/'project' does not exist in type '\{ projectId: string; .*Did you mean to write 'projectId'/);
    expect(errors).not.toMatch(/file_path/);
  });

  it('refuses a second scaffold over the same folder, and an unsafe id', () => {
    expect(() => scaffold('kit-hello', dir)).toThrow(/exists already/);
    expect(() => scaffold('../evil', dir)).toThrow('"../evil" is not a valid plugin id');
  });

  it('validate names each problem: a bad manifest, a direct eval, an API used without its permission', async () => {
    const bad = scaffold('kit-bad', dir);
    const manifest = JSON.parse(readFileSync(join(bad, 'plugin.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(bad, 'plugin.json'), JSON.stringify({ ...manifest, version: 'one' }));
    expect((await validate(bad)).errors.join('\n')).toMatch(/version/);

    writeFileSync(join(bad, 'plugin.json'), JSON.stringify(manifest));
    writeFileSync(join(bad, 'index.js'), `agor.palette.registerCommand(${JSON.stringify('kit-bad: Say hello')}, () => eval('1'));`);
    expect((await validate(bad)).errors).toEqual(['index.js:1: a direct eval(...) is refused by the sandbox; use (0, eval)(...) or no eval']);

    writeFileSync(join(bad, 'index.js'), `agor.palette.registerCommand(${JSON.stringify('kit-bad: Say hello')}, () => agor.git.log({ projectId: 'p' }));`);
    const report = await validate(bad);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([`The script uses the 'git' API but plugin.json does not ask for "git": those calls will be refused`]);
  });

  it('packs in format 2 with its checksum, and refuses what format 2 cannot list', () => {
    const folder = join(dir, 'kit-hello');
    const packed = pack(folder, { out: join(dir, 'v2'), format: 2, baseUrl: 'https://plugins.example.test/archives' });
    expect(packed.entry).toMatchObject({ id: 'kit-hello', download_url: 'https://plugins.example.test/archives/kit-hello-0.1.0.tgz', checksum_sha256: packed.sha256, size_bytes: packed.size });
    const git = scaffold('kit-git', dir);
    const manifest = JSON.parse(readFileSync(join(git, 'plugin.json'), 'utf8')) as { permissions: string[] };
    writeFileSync(join(git, 'plugin.json'), JSON.stringify({ ...manifest, permissions: [...manifest.permissions, 'git'] }));
    expect(() => pack(git, { out: join(dir, 'v2'), format: 2 })).toThrow('Not packed: format 2 cannot list git; use format 1');
  });

  it('a packed plugin installs from a signed loopback catalog and is started', async () => {
    const server = await TestHttpsServer.start();
    const m = marketplaceFixture({ ca: server.certificates.ca });
    try {
      const packed = pack(join(dir, 'kit-hello'), { out: join(dir, 'v1'), format: 1, baseUrl: server.url('/archives'), author: 'Kit Tester' });
      server.put('/archives/kit-hello-0.1.0.tgz', readFileSync(packed.archive));
      const catalog = join(dir, 'v1', 'catalog.json');
      writeFileSync(catalog, JSON.stringify({ version: 1, updatedAt: '2026-11-01T00:00:00Z', expires: '2099-01-01T00:00:00Z', plugins: [packed.entry] }, null, 2));
      const { publicKey } = sign(catalog, { path: join(dir, 'key.pem'), create: true });
      expect(() => sign(catalog, { path: join(dir, 'key.pem'), create: true })).toThrow(/refusing to overwrite a key/);
      server.put('/catalog.json', readFileSync(catalog));
      server.put('/catalog.json.sig', readFileSync(`${catalog}.sig`));
      const sourceId = m.service.addSource({ name: 'Kit source', url: server.url('/catalog.json'), publicKey }).id;
      const view = await m.service.fetchCatalog(true);
      expect(JSON.stringify(view)).not.toMatch(/signature|unverified/i);
      await m.service.install('kit-hello', sourceId, ['palette', 'notifications']);
      expect(m.registry.get('kit-hello')).toMatchObject({ version: '0.1.0', grants: ['notifications', 'palette'] });
      expect(m.control.calls).toContain('start kit-hello');
    } finally {
      m.close();
      await server.close();
    }
  });
});
