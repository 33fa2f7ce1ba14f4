import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ChevronDownIcon } from '../../ui/index.ts';

export interface MoveChoice {
  label: string;
  disabled?: boolean;
  run(): void;
}

/** A small menu button: arrow keys walk the items, Enter picks, Escape or a click outside closes. */
export function MoveMenu({ label, choices }: { label: string; choices: MoveChoice[] }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    event.stopPropagation();
    const items = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="move-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="btn btn-ghost btn-sm"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => e.stopPropagation()}
      >
        Move <ChevronDownIcon size={14} />
      </button>
      {open ? (
        <ul className="move-menu-list" role="menu" id={menuId} aria-label={label} onKeyDown={onMenuKey}>
          {choices.map((choice) => (
            <li
              key={choice.label}
              role="menuitem"
              tabIndex={-1}
              aria-disabled={choice.disabled || undefined}
              onClick={() => {
                if (choice.disabled) return;
                close();
                choice.run();
              }}
              onKeyDown={(e) => {
                if ((e.key === 'Enter' || e.key === ' ') && !choice.disabled) {
                  e.preventDefault();
                  close();
                  choice.run();
                }
              }}
            >
              {choice.label}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
