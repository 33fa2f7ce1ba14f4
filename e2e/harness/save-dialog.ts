import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { SaveDialog } from '../../main/files/plugin-files.ts';

/**
 * The harness's stand-in for the OS save dialog (`agor.files.save`). By
 * default it "chooses" `<data>/saved/<suggestedName>`; a test queues the
 * next answers instead: a path inside the data folder, or null for Cancel.
 * Every answer is one JSON line in `<data>/saved-files.log`.
 */
export interface HarnessSaveDialog {
  dialog: SaveDialog;
  /** The answer of the next dialog: a file inside the data folder, or null to cancel it. */
  queue(answer: string | null): void;
  /** Where the answers are logged. */
  log: string;
}

export function harnessSaveDialog(dataDir: string): HarnessSaveDialog {
  const root = resolve(dataDir);
  const log = join(root, 'saved-files.log');
  const answers: (string | null)[] = [];
  return {
    log,
    queue(answer) {
      if (answer !== null && !resolve(root, answer).startsWith(root + sep)) {
        throw new Error(`The stand-in save dialog only saves inside the harness data folder (${root}), not ${answer}`);
      }
      answers.push(answer === null ? null : resolve(root, answer));
    },
    dialog: async ({ pluginName, suggestedName }) => {
      const chosen = answers.length > 0 ? answers.shift()! : join(root, 'saved', suggestedName);
      if (chosen !== null) mkdirSync(dirname(chosen), { recursive: true });
      appendFileSync(log, `${JSON.stringify({ plugin: pluginName, suggestedName, chosen })}\n`);
      return chosen;
    },
  };
}
