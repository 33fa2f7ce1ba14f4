import { useEffect, useState, type ReactNode } from 'react';
import type { Static } from '@sinclair/typebox';
import type { AppStatus } from '../../../app/contract/app.ts';
import { api } from '../api.ts';
import { Banner, Button, CheckIcon, DatabaseIcon, Spinner, errorMessage } from '../ui/index.ts';
import { applyTheme } from '../theme/theme.ts';
import './startup.css';

type Status = Static<typeof AppStatus>;
type DatabaseError = Extract<Status, { state: 'database_error' }>;

/**
 * Asks main how it started before showing anything else. If the database
 * could not be read the user decides what happens to it; the app never
 * replaces it on its own.
 */
export function Startup({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Set once this window moved the database aside: the user sees where it went before going on.
  const [movedTo, setMovedTo] = useState<string | null>(null);

  const check = async () => {
    setError(null);
    try {
      setStatus(await api.invoke('app.status', {}));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  useEffect(() => {
    // Settings live in the database, so until it opens the OS preference decides the theme.
    applyTheme('system');
    void check();
    return api.on('app.statusChanged', setStatus);
  }, []);

  if (error) {
    return (
      <CenteredCard>
        <Banner tone="danger" title="Switchboard could not start" action={<Button size="sm" onClick={() => void check()}>Try again</Button>}>
          {error}
        </Banner>
      </CenteredCard>
    );
  }
  if (!status) {
    return (
      <div className="startup-loading" role="status">
        <Spinner /> Starting Switchboard…
      </div>
    );
  }
  if (movedTo) return <FreshDatabase movedTo={movedTo} onContinue={() => setMovedTo(null)} />;
  if (status.state === 'database_error') {
    return (
      <DatabaseRecovery
        status={status}
        onMoved={(result) => {
          setMovedTo(result.movedTo);
          setStatus(result.status);
        }}
      />
    );
  }
  return <>{children}</>;
}

function CenteredCard({ children }: { children: ReactNode }) {
  return (
    <div className="startup">
      <div className="startup-card">{children}</div>
    </div>
  );
}

function DatabaseRecovery({ status, onMoved }: { status: DatabaseError; onMoved: (result: { movedTo: string; status: Status }) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      onMoved(await api.invoke('app.resetDatabase', {}));
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <div className="startup">
      <main className="startup-card" aria-labelledby="recovery-title">
        <div className="startup-icon">
          <DatabaseIcon size={24} />
        </div>
        <h1 id="recovery-title">Switchboard can’t read its database</h1>
        <p>
          The file where Switchboard keeps your settings, notifications and audit log could not be opened. It may be damaged or it may not be a
          Switchboard database. <strong>Nothing in it has been changed or deleted.</strong>
        </p>
        <dl className="startup-facts">
          <dt>File</dt>
          <dd className="mono">{status.databasePath}</dd>
          <dt>Details</dt>
          <dd>{status.message}</dd>
        </dl>
        <p>
          You can move the file aside and start with a fresh, empty database. The old file is kept next to it under a new name, so you or a support
          person can still look at it later. Settings, tasks, notifications, the audit history and the permissions granted to plugins start
          empty; agent sessions are read again from their transcripts. Secrets stay in your system keyring and are listed again.
        </p>
        {error ? <Banner tone="danger" title="The database was not moved">{error}</Banner> : null}
        <div className="startup-actions">
          <Button variant="primary" busy={busy} onClick={reset}>
            Move it aside and start fresh
          </Button>
        </div>
      </main>
    </div>
  );
}

function FreshDatabase({ movedTo, onContinue }: { movedTo: string; onContinue: () => void }) {
  return (
    <div className="startup">
      <main className="startup-card" aria-labelledby="recovered-title">
        <div className="startup-icon startup-icon-done">
          <CheckIcon size={24} />
        </div>
        <h1 id="recovered-title">Switchboard has a fresh database</h1>
        <p>The unreadable file was moved aside, not deleted. You can find it here:</p>
        <dl className="startup-facts">
          <dt>Kept at</dt>
          <dd className="mono">{movedTo}</dd>
        </dl>
        <div className="startup-actions">
          <Button variant="primary" autoFocus onClick={onContinue}>
            Continue to Switchboard
          </Button>
        </div>
      </main>
    </div>
  );
}
