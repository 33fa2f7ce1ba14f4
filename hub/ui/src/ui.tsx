import { useCallback, useEffect, useState, type ReactNode } from 'react';

/** Loads once, on `reload()` and when `key` changes; errors are shown where the data would be. */
export function useLoad<T>(load: () => Promise<T>, key: unknown = null): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
    // `load` is a new function each render; reloading is driven by `tick` and `key` alone.
  }, [tick, key]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

export function Panel({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="panel" aria-label={title}>
      <header className="panel-head">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Banner({ tone, children }: { tone: 'danger' | 'success' | 'info'; children: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** Runs an action, shows its error, and reloads after it succeeds. */
export function useAction(after: () => void): { run: (work: () => Promise<unknown>) => Promise<void>; error: string | null; busy: boolean } {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      setError(null);
      after();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy };
}
