import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ResultOf } from '../../../../app/contract/index.ts';
import { api } from '../../api.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { Badge, Banner, Button, Dialog, Field, IconButton, LockIcon, PlusIcon, TrashIcon, SafeText, errorMessage, safeString, useFormErrors } from '../../ui/index.ts';
import './marketplace.css';

type SourceValue = ResultOf<'marketplace.listSources'>[number];

/**
 * Catalog sources, for the Settings screen. Tokens go straight to main (and
 * the keyring) from an uncontrolled field; the window only learns whether
 * one is set.
 */
/**
 * Scrolls only the screen's own scroller. scrollIntoView also scrolls every
 * ancestor that can move, which shifted the whole window up and left a blank
 * band under the app.
 */
function scrollToTop(el: HTMLElement): void {
  let scroller = el.parentElement;
  while (scroller && !/(auto|scroll)/.test(getComputedStyle(scroller).overflowY)) scroller = scroller.parentElement;
  if (scroller) scroller.scrollTop += el.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
}

export function SourcesSection() {
  const headingId = useId();
  const [sources, setSources] = useState<SourceValue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<SourceValue | 'new' | null>(null);
  const [removing, setRemoving] = useState<SourceValue | null>(null);
  const section = useRef<HTMLElement>(null);
  const asked = useNavigation((s) => s.params.section === 'sources');
  useEffect(() => {
    // "Sources…" in the marketplace opens Settings at this section.
    if (asked && section.current) scrollToTop(section.current);
  }, [asked]);

  const load = async () => {
    try {
      setSources(await api.invoke('marketplace.listSources', {}));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  useEffect(() => {
    void load();
    return api.on('marketplace.changed', () => void load());
  }, []);

  return (
    <section ref={section} className="panel" aria-labelledby={headingId} id="catalog-sources">
      <header className="panel-header">
        <div>
          <h2 id={headingId}>Catalog sources</h2>
          <p>Where the marketplace finds plugins. Sources with a public key are verified; the others are marked unverified.</p>
        </div>
        <Button icon={PlusIcon} onClick={() => setEditing('new')}>
          Add source
        </Button>
      </header>
      <div className="panel-body">
        {error ? <Banner tone="danger">{error}</Banner> : null}
        <ul className="market-sources" aria-label="Catalog sources">
          {sources.map((s) => (
            <li key={s.id} className="market-source" aria-label={safeString(s.name)}>
              <div className="market-source-text">
                <SafeText as="strong" text={s.name} truncate />
                <span className="market-source-url">{s.builtin ? 'Comes with Switchboard' : s.url}</span>
              </div>
              {s.publicKey ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Unverified</Badge>}
              {s.hasToken ? (
                <Badge label="Has a token in the keyring">
                  <LockIcon size={12} /> Token
                </Badge>
              ) : null}
              {s.builtin ? null : (
                <>
                  <Button size="sm" variant="ghost" onClick={() => setEditing(s)}>
                    Edit
                  </Button>
                  <IconButton icon={TrashIcon} label={`Remove ${safeString(s.name)}`} size="sm" onClick={() => setRemoving(s)} />
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
      {editing ? <SourceDialog source={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => void load()} /> : null}
      {removing ? <RemoveSourceDialog source={removing} onClose={() => setRemoving(null)} onRemoved={() => void load()} /> : null}
    </section>
  );
}

/** Asks before a source goes; its error, if any, stays in the dialog. */
export function RemoveSourceDialog({ source, onClose, onRemoved }: { source: Pick<SourceValue, 'id' | 'name'>; onClose(): void; onRemoved(): void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await api.invoke('marketplace.removeSource', { id: source.id });
      onRemoved();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Remove ${safeString(source.name)}?`}
      role="alertdialog"
      width="sm"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Keep it</Button>
          <Button variant="danger" busy={busy} onClick={() => void remove()}>
            Remove
          </Button>
        </>
      }
    >
      Its plugins disappear from the marketplace. Plugins you installed from it stay installed, but no longer get updates.
      {error ? <Banner tone="danger">{error}</Banner> : null}
    </Dialog>
  );
}

const SOURCE_FIELDS = ['name', 'url', 'publicKey', 'token'];

export function SourceDialog({ source, onClose, onSaved }: { source: SourceValue | null; onClose(): void; onSaved(): void }) {
  const [name, setName] = useState(source?.name ?? '');
  const [url, setUrl] = useState(source?.url ?? 'https://');
  const [publicKey, setPublicKey] = useState(source?.publicKey ?? '');
  const [removeToken, setRemoveToken] = useState(false);
  const errors = useFormErrors(SOURCE_FIELDS);
  const [saving, setSaving] = useState(false);
  const token = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    errors.clear();
    const tokenValue = token.current?.value.trim() ?? '';
    const tokenField = tokenValue ? { token: tokenValue } : removeToken ? { token: null } : {};
    try {
      const key = publicKey.trim() ? publicKey.trim() : null;
      if (source) await api.invoke('marketplace.editSource', { id: source.id, name, url, publicKey: key, ...tokenField });
      else await api.invoke('marketplace.addSource', { name, url, publicKey: key, ...tokenField });
      onSaved();
      onClose();
    } catch (err) {
      // The token stays in its field so the user can fix the address and save again.
      errors.fail(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      title={source ? `Edit ${safeString(source.name)}` : 'Add a catalog source'}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="source-form" busy={saving}>
            {source ? 'Save' : 'Add source'}
          </Button>
        </>
      }
    >
      <form id="source-form" className="market-source-form" onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Name" error={errors.field('name')}>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
        </Field>
        <Field
          label="Catalog address"
          error={errors.field('url')}
          hint={
            source
              ? 'An https:// address of a catalog.json. Moving to another server removes the saved token and license keys, unless you type a new token below.'
              : 'An https:// address of a catalog.json.'
          }
        >
          <input className="input" value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} />
        </Field>
        <Field label="Public key (optional)" error={errors.field('publicKey')} hint="The catalog’s ed25519 key in base64. With a key, only catalogs signed with it are accepted.">
          <input className="input" value={publicKey} onChange={(e) => setPublicKey(e.target.value)} spellCheck={false} />
        </Field>
        <Field
          label="Bearer token (optional)"
          error={errors.field('token')}
          hint={source?.hasToken ? 'A token is saved in your keyring. Type a new one to replace it.' : 'Kept in your system keyring; sent only to this catalog’s server.'}
        >
          <input ref={token} className="input" type="password" autoComplete="off" />
        </Field>
        {source?.hasToken ? (
          <label className="market-license-set">
            <input type="checkbox" checked={removeToken} onChange={(e) => setRemoveToken(e.target.checked)} /> Remove the saved token
          </label>
        ) : null}
        {errors.form ? <Banner tone="danger">{errors.form}</Banner> : null}
      </form>
    </Dialog>
  );
}
