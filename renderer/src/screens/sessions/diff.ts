import { structuredPatch } from 'diff';

export interface DiffLine {
  kind: 'add' | 'remove' | 'context' | 'hunk';
  text: string;
}

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Edit / Write / MultiEdit tool calls as a unified diff: what the agent
 * changed, the way a reviewer reads it. Null for other tools.
 */
export function toolDiff(name: string, input: unknown): { file: string; lines: DiffLine[] } | null {
  if (typeof input !== 'object' || input === null) return null;
  const i = input as Json;
  const file = str(i.file_path) ?? str(i.path) ?? '';
  const pairs: [string, string][] = [];
  if (name === 'Edit' && str(i.old_string) !== undefined && str(i.new_string) !== undefined) pairs.push([i.old_string as string, i.new_string as string]);
  else if (name === 'Write' && str(i.content) !== undefined) pairs.push(['', i.content as string]);
  else if (name === 'MultiEdit' && Array.isArray(i.edits)) {
    for (const e of i.edits as Json[]) if (str(e.old_string) !== undefined && str(e.new_string) !== undefined) pairs.push([e.old_string as string, e.new_string as string]);
  } else return null;
  const lines: DiffLine[] = [];
  for (const [before, after] of pairs) {
    const patch = structuredPatch(file, file, withNewline(before), withNewline(after), '', '', { context: 3 });
    for (const hunk of patch.hunks) {
      lines.push({ kind: 'hunk', text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
      for (const l of hunk.lines) {
        if (l.startsWith('\\')) continue;
        lines.push({ kind: l[0] === '+' ? 'add' : l[0] === '-' ? 'remove' : 'context', text: l.slice(1) });
      }
    }
  }
  return { file, lines };
}

/** The file's extension, which highlight.js knows as a language alias (ts, py, rs, …); undefined without one. */
export function languageOfFile(file: string): string | undefined {
  const name = file.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
