import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries of docs/architecture.md §1', () => {
  it.each([
    ['renderer/src/Bad.tsx', "import { startServices } from '../../main/services.ts';", /renderer\/ may import only from renderer, app/],
    ['renderer/src/Bad.tsx', "import { readFileSync } from 'node:fs';", /The renderer has no Node/],
    ['renderer/src/Bad.tsx', "import { ipcRenderer } from 'electron';", /no Electron/],
    ['app/bad.ts', "import { AuditLog } from '../main/audit/audit.ts';", /app\/ may import only from app/],
    ['app/bad.ts', "import { join } from 'node:path';", /pure TypeScript/],
    ['main/settings/bad.ts', "import { App } from '../../renderer/src/App.tsx';", /main\/ may import only from main, app/],
    ['main/settings/bad.ts', "import { app } from 'electron';", /Only main\/index.ts and main\/electron/],
    ['plugin-host/bad.ts', "import { startServices } from '../main/services.ts';", /plugin-host\/ may import only from plugin-host, app/],
    ['preload/bad.ts', "import { startServices } from '../main/services.ts';", /preload\/ may import only from preload, app/],
    ['preload/bad.ts', "import { readFileSync } from 'node:fs';", /The preload runs sandboxed/],
  ])('%s: %s fails lint', async (file, code, message) => {
    expect(await problems(file, code)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['renderer/src/Good.tsx', "import { channels } from '../../app/contract/index.ts';"],
    ['main/settings/good.ts', "import { AppError } from '../../app/contract/envelope.ts';"],
    ['main/electron/good.ts', "import { app } from 'electron';"],
    ['e2e/specs/good.ts', "import { startServices } from '../../main/services.ts';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
