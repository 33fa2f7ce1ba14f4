/** One labelled part of a tool call's input, shown as written rather than as JSON. */
export interface InputField {
  label: string;
  text: string;
  /** Code or a path, shown in the monospace face; otherwise prose. */
  mono: boolean;
}

/** Fields whose text is prose the model wrote, not code. */
const PROSE = new Set(['description', 'prompt', 'subagent_type', 'reason', 'question', 'plan']);

/** The order known tools' fields read best in; the rest follow as they came. */
const FIRST: Record<string, string[]> = {
  Bash: ['description', 'command'],
  Task: ['subagent_type', 'description', 'prompt'],
  Agent: ['subagent_type', 'description', 'prompt'],
};

const LABEL: Record<string, string> = { subagent_type: 'Agent', file_path: 'File', command: 'Command', description: 'Description', prompt: 'Prompt' };

function labelOf(key: string): string {
  return LABEL[key] ?? key.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
}

/**
 * A tool call's input as labelled fields: a Bash command with its real line
 * breaks, a Task prompt as text. Values that are not text (numbers, lists)
 * are shown compactly as JSON; an input that is not an object is one field.
 */
export function toolInputFields(tool: string, input: unknown): InputField[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return [{ label: 'Input', text: typeof input === 'string' ? input : JSON.stringify(input, null, 2) ?? '', mono: true }];
  }
  const entries = Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const first = FIRST[tool] ?? [];
  entries.sort(([a], [b]) => rank(first, a) - rank(first, b));
  return entries.map(([key, value]) => ({
    label: labelOf(key),
    text: typeof value === 'string' ? value : JSON.stringify(value, null, typeof value === 'object' ? 2 : undefined),
    mono: !(PROSE.has(key) && typeof value === 'string'),
  }));
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}
