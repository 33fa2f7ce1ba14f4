import { describe, expect, it } from 'vitest';
import { PLUGIN_STATES } from '../../app/contract/plugins.ts';
import { checkTransition, PLUGIN_TRANSITIONS } from './entry.ts';

describe('the plugin state table', () => {
  it('lets a plugin that is not running be started again, whatever stopped it', () => {
    for (const from of ['stopped', 'crashed', 'disabled', 'error'] as const) expect(() => checkTransition('p', from, 'starting')).not.toThrow();
  });

  it('reaches running only through the ready handshake of a start', () => {
    const into = PLUGIN_STATES.filter((from) => PLUGIN_TRANSITIONS[from].includes('running'));
    expect(into).toEqual(['starting']);
  });

  it('lets a running plugin only stop or crash: a restart goes through stopping', () => {
    expect(() => checkTransition('p', 'running', 'starting')).toThrow('plugin p: no state change from running to starting');
    expect(() => checkTransition('p', 'running', 'error')).toThrow('plugin p: no state change from running to error');
    expect(() => checkTransition('p', 'running', 'stopping')).not.toThrow();
  });

  it('allows staying in a state with a new reason', () => {
    for (const state of PLUGIN_STATES) expect(() => checkTransition('p', state, state)).not.toThrow();
  });
});
