// @ts-check
import tseslint from 'typescript-eslint';

/**
 * docs/architecture.md §1: each process imports only from its own column. A wrong
 * import fails `npm test` here instead of in review.
 */
const FOLDERS = ['app', 'main', 'preload', 'renderer', 'plugin-host', 'e2e', 'hub'];
const NODE = ['node:*', 'fs', 'fs/*', 'path', 'child_process', 'os', 'net', 'http', 'https', 'crypto', 'worker_threads', 'better-sqlite3', '@napi-rs/keyring'];

/** @param {string} folder @param {string[]} mayImport @param {object[]} extra @param {string[]} files */
function column(folder, mayImport, extra = [], files = [`${folder}/**/*.{ts,tsx,js}`]) {
  const forbidden = FOLDERS.filter((f) => f !== folder && !mayImport.includes(f));
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.{1,2}/)+(${forbidden.join('|')})/`,
              message: `${folder}/ may import only from ${[folder, ...mayImport].join(', ')} (see docs/architecture.md §1).`,
            },
            ...extra,
          ],
        },
      ],
    },
  };
}

const noElectron = (why) => ({ group: ['electron', 'electron/*'], message: why });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-warning-comments': ['error', { terms: ['todo', 'fixme', 'xxx'], location: 'start' }],
    },
  },
  column('app', [], [
    { group: NODE, message: 'app/ is pure TypeScript: no Node, no DOM.' },
    noElectron('app/ is pure TypeScript: no Electron.'),
  ]),
  column('main', ['app']),
  {
    // Only the Electron composition root and its adapters touch Electron; services run under plain Node.
    files: ['main/**/*.ts'],
    ignores: ['main/index.ts', 'main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.{1,2}/)+(preload|renderer|plugin-host|e2e|hub)/', message: 'main/ may import only from main, app (see docs/architecture.md §1).' },
            noElectron('Only main/index.ts and main/electron/* import electron (see docs/architecture.md §1).'),
          ],
        },
      ],
    },
  },
  column('preload', ['app']),
  {
    // The preload runs sandboxed, where only `electron` can be required; its tests run under Node.
    ...column('preload', ['app'], [{ group: NODE, message: 'The preload runs sandboxed: it can require electron and nothing of Node.' }]),
    ignores: ['preload/**/*.test.ts'],
  },
  column('renderer', ['app'], [
    { group: NODE, message: 'The renderer has no Node: talk to main through window.switchboard.' },
    noElectron('The renderer has no Electron: talk to main through window.switchboard.'),
    // The window's code; renderer/vite.config.ts is build tooling and runs in Node.
  ], ['renderer/src/**/*.{ts,tsx}']),
  column('plugin-host', ['app'], [noElectron('The plugin host is a plain process: no Electron.')]),
  {
    // The Hub is its own composition root. Its tests may also use the desktop's marketplace code, to prove the desktop accepts what it serves.
    ...column('hub', ['app'], [noElectron('The Hub is a plain Node server: no Electron.')]),
    ignores: ['hub/**/*.test.ts', 'hub/testing/**'],
  },
  column('hub', ['app', 'main'], [noElectron('The Hub is a plain Node server: no Electron.')], ['hub/**/*.test.ts', 'hub/testing/**']),
);
