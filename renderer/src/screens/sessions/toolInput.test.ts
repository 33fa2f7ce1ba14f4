import { describe, expect, it } from 'vitest';
import { toolInputFields } from './toolInput.ts';

describe('a tool call input, readable', () => {
  it('shows a Bash command with its real line breaks, its description first', () => {
    const fields = toolInputFields('Bash', { command: 'cd app &&\nnpm test', description: 'Run the tests', timeout: 120000 });
    expect(fields).toEqual([
      { label: 'Description', text: 'Run the tests', mono: false },
      { label: 'Command', text: 'cd app &&\nnpm test', mono: true },
      { label: 'Timeout', text: '120000', mono: true },
    ]);
    expect(fields.some((f) => f.text.includes('\\n'))).toBe(false);
  });

  it('shows a Task as its agent, description and prompt as prose', () => {
    const fields = toolInputFields('Task', { prompt: 'Find every caller.\n\nReport file:line.', description: 'Find callers', subagent_type: 'Explore' });
    expect(fields.map((f) => [f.label, f.text, f.mono])).toEqual([
      ['Agent', 'Explore', false],
      ['Description', 'Find callers', false],
      ['Prompt', 'Find every caller.\n\nReport file:line.', false],
    ]);
  });

  it('keeps other tools’ fields in order, lists as JSON, and leaves out empty ones', () => {
    const fields = toolInputFields('Grep', { pattern: 'TODO', path: '', glob: ['*.ts'], head_limit: null });
    expect(fields).toEqual([
      { label: 'Pattern', text: 'TODO', mono: true },
      { label: 'Glob', text: '[\n  "*.ts"\n]', mono: true },
    ]);
  });

  it('shows an input that is not an object as one field', () => {
    expect(toolInputFields('Raw', 'apply_patch <<EOF')).toEqual([{ label: 'Input', text: 'apply_patch <<EOF', mono: true }]);
  });
});
