import { describe, expect, it } from 'vitest';
import { filterCommands, mergeCommands, type PaletteCommand } from './filter.ts';

const command = (id: string, label: string, source = 'Switchboard'): PaletteCommand => ({
  id,
  label,
  source,
  pluginId: source === 'Switchboard' ? null : source.toLowerCase(),
  takesArgument: false,
  argumentPrompt: '',
  run: async () => undefined,
});

const commands = [
  command('app.go.settings', 'Go to Settings'),
  command('app.go.tasks', 'Go to Tasks'),
  command('app.theme.toggle', 'Toggle light / dark theme'),
  command('app.tasks.create', 'Create a task'),
  command('acme::lint', 'Lint the last diff', 'Acme'),
  command('standup::hello', 'Say hello', 'Standup helper'),
];
const labels = (list: PaletteCommand[]) => list.map((c) => c.label);

describe('palette filter', () => {
  it('keeps the given order for an empty query', () => {
    expect(labels(filterCommands('  ', commands))).toEqual(labels(commands));
  });

  it('matches letters in order, not only whole words', () => {
    expect(labels(filterCommands('gotsk', commands))[0]).toBe('Go to Tasks');
    expect(labels(filterCommands('tgl thm', commands))).toEqual(['Toggle light / dark theme']);
  });

  it('finds a plugin command by the plugin name as well as by its label', () => {
    expect(labels(filterCommands('standup', commands))).toEqual(['Say hello']);
    expect(labels(filterCommands('acme lint', commands))).toEqual(['Lint the last diff']);
  });

  it('returns nothing when nothing matches', () => {
    expect(filterCommands('zzqx', commands)).toEqual([]);
  });

  it('keeps the first of two commands with the same id', () => {
    const fromMain = command('app.tasks.create', 'Create a task (main)');
    expect(labels(mergeCommands(commands, [fromMain, command('x', 'Extra')]))).toEqual([...labels(commands), 'Extra']);
  });
});
