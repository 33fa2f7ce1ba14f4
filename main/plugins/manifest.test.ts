import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginManifestSchema } from '../../app/manifest.ts';
import { discoverPlugins, readPluginFolder } from './manifest.ts';
import { PUBLISHED_SCHEMA_PATH, publishedManifestSchema } from './manifest-schema.ts';

let root: string;
let outside: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sb-discovery-'));
  outside = mkdtempSync(join(tmpdir(), 'sb-outside-'));
  writeFileSync(join(outside, 'evil.js'), 'console.log("outside")');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function plugin(folder: string, manifest: unknown, files: Record<string, string> = { 'index.js': '' }): void {
  mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, folder, 'plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, folder, name), text);
}

const errorsOf = (folder: string) => {
  const found = readPluginFolder(root, folder, '1.0.0');
  return found.ok ? [] : found.errors;
};

describe('plugin.json', () => {
  it('accepts "main" or "entry", and "name" as the id', () => {
    plugin('with-main', { id: 'with-main', name: 'With main', version: '1.0.0', main: 'index.js' });
    plugin('with-entry', { name: 'with-entry', version: '0.2.0', entry: 'index.js', permissions: ['tasks'] });
    const [a, b] = discoverPlugins(root, '1.0.0');
    expect(a).toMatchObject({ ok: true, id: 'with-entry', manifest: { name: 'with-entry', entry: 'index.js', permissions: ['tasks'], hookFailure: 'open', uiSchema: [] } });
    expect(b).toMatchObject({ ok: true, id: 'with-main', manifest: { name: 'With main', entry: 'index.js', permissions: [] } });
  });

  const broken: [string, unknown, RegExp][] = [
    ['not JSON', '{ "name": ', /plugin.json is not valid JSON/],
    ['not an object', '[1, 2]', /must hold a JSON object/],
    ['no version', { name: 'x1' }, /plugin.json needs "version"/],
    ['a bad version', { name: 'x2', version: 'one', main: 'index.js' }, /"version" must be a semantic version such as 1.0.0/],
    ['an unknown permission', { name: 'x3', version: '1.0.0', main: 'index.js', permissions: ['filesystem'] }, /"permissions\[0\]" must be one of: palette, messages/],
    [
      'a network host written as an address',
      { name: 'x3a', version: '1.0.0', main: 'index.js', permissions: ['network'], network: { hosts: ['https://hooks.slack.com/services'] } },
      /network.hosts: "https:\/\/hooks.slack.com\/services" is not a host name \(write it without https:\/\/ or a path/,
    ],
    ['a network host that is too broad', { name: 'x3b', version: '1.0.0', main: 'index.js', permissions: ['network'], network: { hosts: ['*.com'] } }, /network.hosts: "\*.com" is too broad/],
    ['network hosts without the network permission', { name: 'x3c', version: '1.0.0', main: 'index.js', network: { hosts: ['api.example.com'] } }, /network.hosts names hosts, but "network" is in neither/],
    ['a bad ui_schema field type', { name: 'x4', version: '1.0.0', main: 'index.js', ui_schema: [{ key: 'a', type: 'colour', label: 'A' }] }, /"ui_schema\[0\].type" must be one of: text, number/],
    ['no script named', { name: 'x5', version: '1.0.0' }, /needs "main" \(or "entry"\)/],
    ['main and entry disagreeing', { name: 'x6', version: '1.0.0', main: 'a.js', entry: 'b.js' }, /name different scripts/],
    ['a name that cannot be an id', { name: 'My Plugin!', version: '1.0.0', main: 'index.js' }, /is not a valid id/],
    ['a newer minAppVersion', { name: 'x8', version: '1.0.0', main: 'index.js', minAppVersion: '9.0.0' }, /Needs Switchboard 9.0.0 or newer \(this is 1.0.0\)/],
    ['a missing script', { name: 'x9', version: '1.0.0', main: 'missing.js' }, /The script "missing.js" does not exist/],
    ['a script outside the folder', { name: 'x10', version: '1.0.0', main: '../x10-escape.js' }, /points outside the plugin folder/],
    ['an id that differs from the folder', { id: 'other', name: 'x', version: '1.0.0', main: 'index.js' }, /says its id is "other" but its folder is/],
  ];
  for (const [what, manifest, reason] of broken) {
    it(`lists a manifest with ${what}, with the reason`, () => {
      const named = typeof manifest === 'object' && manifest !== null && 'name' in manifest ? String((manifest as { name: string }).name) : '';
      const folder = /^[a-z0-9]+$/.test(named) ? named : 'p';
      plugin(folder, manifest);
      expect(errorsOf(folder).join('\n')).toMatch(reason);
    });
  }

  it('one broken plugin never stops the scan', () => {
    plugin('good', { name: 'good', version: '1.0.0', main: 'index.js' });
    plugin('bad', '{{{');
    mkdirSync(join(root, 'empty'));
    const found = discoverPlugins(root, '1.0.0');
    expect(found.map((f) => [f.id, f.ok])).toEqual([
      ['bad', false],
      ['empty', false],
      ['good', true],
    ]);
    expect(found[1]).toMatchObject({ errors: ['No plugin.json in the folder'] });
  });

  it('refuses a script that is a symbolic link to a file outside the folder', () => {
    plugin('linked', { name: 'linked', version: '1.0.0', main: 'index.js' }, {});
    symlinkSync(join(outside, 'evil.js'), join(root, 'linked', 'index.js'));
    expect(errorsOf('linked').join()).toMatch(/is a symbolic link; plugins may only run files inside their folder/);
  });

  it('refuses a plugin folder that is a symbolic link', () => {
    mkdirSync(join(outside, 'real'));
    writeFileSync(join(outside, 'real', 'plugin.json'), JSON.stringify({ name: 'real', version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(outside, 'real', 'index.js'), '');
    symlinkSync(join(outside, 'real'), join(root, 'real'));
    expect(errorsOf('real')).toEqual(['The plugin folder is a symbolic link; plugins must be real folders inside the plugins folder']);
  });

  it('refuses a plugin.json that is a symbolic link', () => {
    mkdirSync(join(root, 'lj'));
    writeFileSync(join(outside, 'plugin.json'), JSON.stringify({ name: 'lj', version: '1.0.0', main: 'index.js' }));
    symlinkSync(join(outside, 'plugin.json'), join(root, 'lj', 'plugin.json'));
    expect(errorsOf('lj')).toEqual(['plugin.json must be a regular file (symbolic links are refused)']);
  });

  it('a missing plugins folder is an empty list', () => {
    expect(discoverPlugins(join(root, 'nope'), '1.0.0')).toEqual([]);
  });
});

describe('the published JSON Schema', () => {
  it('is identical to the schema main validates with (regenerate: node main/plugins/manifest-schema.ts --write)', () => {
    expect(readFileSync(PUBLISHED_SCHEMA_PATH, 'utf8')).toBe(publishedManifestSchema());
  });

  it('accepts and refuses the same manifests as the code', () => {
    const ajv = new Ajv({ strict: false });
    const fromFile = ajv.compile(JSON.parse(readFileSync(PUBLISHED_SCHEMA_PATH, 'utf8')) as object);
    const fromCode = new Ajv({ strict: false }).compile(PluginManifestSchema);
    const samples: unknown[] = [
      { name: 'a', version: '1.0.0', main: 'index.js' },
      { id: 'b', name: 'B', version: '1.0.0-beta.1', entry: 'x.js', permissions: ['tasks', 'hooks'], hooks: { failure: 'closed' } },
      { name: 'c', version: '1.0', main: 'index.js' },
      { name: 'd', version: '1.0.0', permissions: ['tasks', 'tasks'] },
      { name: 'e', version: '1.0.0', ui_schema: [{ key: 'k', type: 'select', label: 'K', options: ['x', { value: 'y', label: 'Y' }] }] },
      { name: 'f', version: '1.0.0', ui_schema: [{ key: 'k', type: 'number', label: 'K', extra: true }] },
      { name: '', version: '1.0.0' },
      { name: 'g', version: '1.0.0', hooks: { failure: 'sometimes' } },
    ];
    const verdicts = samples.map((s) => [fromFile(s), fromCode(s)]);
    for (const [file, code] of verdicts) expect(file).toBe(code);
    expect(verdicts.map(([v]) => v)).toEqual([true, true, false, false, true, false, false, false]);
  });
});
