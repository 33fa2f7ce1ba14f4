import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Badge, ChevronRightIcon, CommandIcon, errorMessage, OverlayPanel, SafeText, Spinner } from '../../ui/index.ts';
import type { OverlayProps } from '../types.ts';
import { appCommands } from './commands.ts';
import { filterCommands, mergeCommands, type PaletteCommand } from './filter.ts';
import { showCommandError } from './errorToast.ts';
import { loadPluginCommands } from './pluginCommands.ts';
import './palette.css';

/**
 * Ctrl/Cmd+Shift+P: every app command and every command of a running
 * plugin. Type to filter, arrows to choose, Enter to run; a command that
 * takes an argument asks for it first. The palette closes as the command
 * starts, and a failure comes back as an error toast.
 */
export function CommandPalette({ onClose }: OverlayProps) {
  const list = useRef<HTMLUListElement>(null);
  const listId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [asking, setAsking] = useState<PaletteCommand | null>(null);
  const [argument, setArgument] = useState('');
  const [pluginCommands, setPluginCommands] = useState<PaletteCommand[]>([]);
  const [pluginState, setPluginState] = useState<'loading' | 'ready' | string>('loading');

  useEffect(() => {
    let live = true;
    loadPluginCommands().then(
      (commands) => {
        if (!live) return;
        setPluginCommands(commands);
        setPluginState('ready');
      },
      (error) => live && setPluginState(errorMessage(error)),
    );
    return () => {
      live = false;
    };
  }, []);

  const commands = useMemo(() => mergeCommands(appCommands(), pluginCommands), [pluginCommands]);
  const pluginCount = pluginCommands.filter((c) => c.pluginId !== null).length;
  const matches = useMemo(() => filterCommands(query, commands), [query, commands]);
  const current = matches[Math.min(active, matches.length - 1)];

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active, matches]);

  const run = (command: PaletteCommand, value?: string) => {
    onClose();
    command.run(value).catch((error: unknown) => showCommandError(command.label, errorMessage(error)));
  };

  const choose = (command: PaletteCommand | undefined) => {
    if (!command) return;
    if (command.takesArgument) {
      setAsking(command);
      setArgument('');
    } else {
      run(command);
    }
  };

  const onListKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (matches.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, matches.length - 1) + step + matches.length) % matches.length);
    } else if ((event.key === 'Home' || event.key === 'End') && event.ctrlKey && matches.length) {
      event.preventDefault();
      setActive(event.key === 'Home' ? 0 : matches.length - 1);
    } else if (event.key === 'PageDown' || event.key === 'PageUp') {
      event.preventDefault();
      if (matches.length) setActive((i) => Math.max(0, Math.min(matches.length - 1, i + (event.key === 'PageDown' ? 8 : -8))));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(current);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  };

  const onArgumentKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && asking) {
      event.preventDefault();
      run(asking, argument);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setAsking(null);
    }
  };

  return (
    <OverlayPanel label="Command palette" className="palette" onClose={onClose}>
      {asking ? (
        <>
          <div className="palette-step">
            <div className="palette-step-command">
              <SafeText text={asking.label} truncate />
              <Badge tone={asking.pluginId ? 'accent' : 'neutral'}>
                <SafeText text={asking.source} />
              </Badge>
            </div>
            <input
              key="argument"
              className="input"
              aria-label={asking.argumentPrompt}
              placeholder={asking.argumentPrompt}
              value={argument}
              onChange={(e) => setArgument(e.target.value)}
              onKeyDown={onArgumentKey}
              autoFocus
            />
          </div>
          <footer className="overlay-footer">
            <span>{asking.pluginId ? <>Sent to <SafeText text={asking.source} /> as typed.</> : 'Runs in Switchboard.'}</span>
            <span className="overlay-keys"><kbd>Enter</kbd> run · <kbd>Esc</kbd> back</span>
          </footer>
        </>
      ) : (
        <>
          <div className="overlay-field">
            <CommandIcon size={16} />
            <input
              key="query"
              className="overlay-input"
              role="combobox"
              aria-label="Command"
              aria-expanded="true"
              aria-controls={listId}
              aria-activedescendant={current ? `${listId}-${current.id}` : undefined}
              aria-autocomplete="list"
              placeholder="Type a command"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={onListKey}
              autoFocus
            />
          </div>
          <ul className="palette-list" role="listbox" id={listId} ref={list} aria-label="Commands">
            {matches.map((command, index) => (
              <li
                key={command.id}
                id={`${listId}-${command.id}`}
                role="option"
                aria-selected={command === current}
                className="palette-item"
                onMouseMove={() => setActive(index)}
                onClick={() => choose(command)}
              >
                <span className="palette-item-label">
                  <SafeText text={command.label} truncate />
                  {command.takesArgument ? <span className="palette-item-ellipsis" aria-hidden="true">…</span> : null}
                </span>
                <Badge tone={command.pluginId ? 'accent' : 'neutral'}>
                  <SafeText text={command.source} truncate />
                </Badge>
                {command.takesArgument ? <ChevronRightIcon size={14} aria-label="Asks for a value" /> : null}
              </li>
            ))}
          </ul>
          {matches.length === 0 ? <p className="palette-empty">No command matches “{query}”.</p> : null}
          <footer className="overlay-footer">
            {pluginState === 'loading' ? (
              <span className="palette-footer-status"><Spinner /> Loading plugin commands…</span>
            ) : pluginState === 'ready' ? (
              <span>{pluginCount === 1 ? '1 plugin command' : `${pluginCount} plugin commands`}</span>
            ) : (
              <span className="palette-footer-error">Plugin commands are unavailable: {pluginState}</span>
            )}
            <span className="overlay-keys"><kbd>↑</kbd><kbd>↓</kbd> choose · <kbd>Enter</kbd> run · <kbd>Esc</kbd> close</span>
          </footer>
        </>
      )}
    </OverlayPanel>
  );
}
