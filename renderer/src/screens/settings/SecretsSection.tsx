import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { followSecretChanges, useSecrets } from '../../stores/secrets.ts';
import { Badge, Banner, Button, Dialog, EmptyState, Field, IconButton, KeyIcon, LockIcon, Spinner, TrashIcon, errorMessage, formatTime, useFormErrors } from '../../ui/index.ts';

const SECRET_FIELDS = ['name', 'value'];

/**
 * Secret values live only in the OS keyring. The value field is uncontrolled
 * so the text never enters React state; it is read once on submit, sent to
 * main and the field is emptied whatever the outcome.
 */
export function SecretsSection() {
  const { status, secrets, loading, error, load, store, remove } = useSecrets();
  const headingId = useId();
  const [name, setName] = useState('');
  const errors = useFormErrors(SECRET_FIELDS);
  const [savedName, setSavedName] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const valueInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void load();
    return followSecretChanges();
  }, [load]);

  const unavailable = status !== null && !status.available;
  const trimmedName = name.trim();
  const replacing = secrets.some((s) => s.name === trimmedName);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    errors.clear();
    setSavedName(null);
    const input = valueInput.current;
    if (!input) return;
    setSaving(true);
    try {
      await store(trimmedName, input.value);
      setSavedName(trimmedName);
      setName('');
    } catch (e) {
      errors.fail(e);
    } finally {
      input.value = '';
      setSaving(false);
    }
  };

  const startReplace = (secretName: string) => {
    setName(secretName);
    setSavedName(null);
    errors.clear();
    valueInput.current?.focus();
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <header className="panel-header">
        <div>
          <h2 id={headingId}>Secrets</h2>
          <p>API keys and tokens for plugins and agents. Values are kept in your system keyring; Switchboard only shows whether one is set.</p>
        </div>
        {status?.available ? (
          <Badge tone="success" label="Keyring available">
            <LockIcon size={12} /> Keyring ready
          </Badge>
        ) : null}
      </header>
      <div className="panel-body">
        {error ? (
          <Banner tone="danger" title="Secrets could not be loaded" action={<Button size="sm" onClick={() => void load()}>Try again</Button>}>
            {error}
          </Banner>
        ) : null}
        {unavailable ? (
          <Banner tone="danger" title="The system keyring is not available">
            {status.message}
          </Banner>
        ) : null}
        <form className="secret-form" onSubmit={submit} noValidate aria-label="Store a secret">
          <fieldset disabled={unavailable || status === null} className="secret-form-fields">
            <legend className="visually-hidden">Store a secret</legend>
            <Field label="Name" error={errors.field('name')}>
              <input
                className="input mono"
                value={name}
                autoComplete="off"
                spellCheck={false}
                placeholder="OPENAI_API_KEY"
                onChange={(e) => {
                  setName(e.target.value);
                  setSavedName(null);
                }}
              />
            </Field>
            <Field label="Value" error={errors.field('value')}>
              <input ref={valueInput} className="input" type="password" autoComplete="new-password" spellCheck={false} placeholder="Paste or type the value" />
            </Field>
            <div className="secret-form-submit">
              <Button type="submit" variant="primary" icon={KeyIcon} busy={saving}>
                {replacing ? 'Replace secret' : 'Save secret'}
              </Button>
            </div>
          </fieldset>
          {errors.form ? (
            <Banner tone="danger" title="The secret was not saved">
              {errors.form} The value was not kept; enter it again to retry.
            </Banner>
          ) : null}
          {savedName ? (
            <p className="saved-note" role="status">
              Saved “{savedName}” to the keyring.
            </p>
          ) : null}
        </form>

        {loading && secrets.length === 0 ? (
          <div className="loading-row">
            <Spinner label="Loading secrets" /> Loading secrets…
          </div>
        ) : secrets.length === 0 ? (
          <EmptyState icon={KeyIcon} title="No secrets yet">
            {unavailable
              ? 'Once the system keyring is available you can store API keys here.'
              : 'Store an API key above; plugins you allow can then use it without ever showing it.'}
          </EmptyState>
        ) : (
          <table className="table secrets-table" aria-label="Stored secrets">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Last updated</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {secrets.map((s) => (
                <tr key={s.name}>
                  <td className="mono">{s.name}</td>
                  <td>
                    <Badge tone="success">set</Badge>
                  </td>
                  <td>
                    <time dateTime={s.updatedAt}>{formatTime(s.updatedAt)}</time>
                  </td>
                  <td className="row-actions">
                    <Button size="sm" variant="ghost" disabled={unavailable} onClick={() => startReplace(s.name)} aria-label={`Replace ${s.name}`}>
                      Replace
                    </Button>
                    <IconButton icon={TrashIcon} size="sm" label={`Delete ${s.name}`} disabled={unavailable} onClick={() => setConfirmDelete(s.name)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {confirmDelete ? <ConfirmDelete name={confirmDelete} onCancel={() => setConfirmDelete(null)} onConfirm={remove} onDone={() => setConfirmDelete(null)} /> : null}
    </section>
  );
}

function ConfirmDelete({ name, onCancel, onConfirm, onDone }: { name: string; onCancel: () => void; onConfirm: (name: string) => Promise<void>; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(name);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Delete secret?"
      role="alertdialog"
      width="sm"
      onClose={onCancel}
      description={
        <>
          “<span className="mono">{name}</span>” will be removed from your system keyring. Plugins that use it will stop working until you store it again.
        </>
      }
      footer={
        <>
          <Button onClick={onCancel} data-autofocus>
            Cancel
          </Button>
          <Button variant="danger" icon={TrashIcon} busy={busy} onClick={confirm}>
            Delete
          </Button>
        </>
      }
    >
      {error ? <Banner tone="danger">{error}</Banner> : null}
    </Dialog>
  );
}
