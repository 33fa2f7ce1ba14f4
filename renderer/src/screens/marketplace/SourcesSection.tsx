import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ResultOf } from '../../../../app/contract/index.ts';
import { api } from '../../api.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { Badge, Banner, Button, Dialog, Field, IconButton, LockIcon, PlusIcon, TrashIcon, errorMessage } from '../../ui/index.ts';
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
            <li key={s.id} className="market-source" aria-label={s.name}>
              <div className="market-source-text">
                <strong>{s.name}</strong>
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
                  <IconButton icon={TrashIcon} label={`Remove ${s.name}`} size="sm" onClick={() => setRemoving(s)} />
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
      {editing ? <SourceDialog source={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => void load()} /> : null}
      {removing ? (
        <Dialog
          title={`Remove ${removing.name}?`}
          role="alertdialog"
          width="sm"
          onClose={() => setRemoving(null)}
          footer={
            <>
              <Button onClick={() => setRemoving(null)}>Keep it</Button>
              <Button
                variant="danger"
                onClick={async () => {
                  try {
                    await api.invoke('marketplace.removeSource', { id: removing.id });
                  } catch (err) {
                    setError(errorMessage(err));
                  }
                  setRemoving(null);
                  await load();
                }}
              >
                Remove
              </Button>
            </>
          }
        >
          Its plugins disappear from the marketplace. Plugins you installed from it stay installed, but no longer get updates.
        </Dialog>
      ) : null}
    </section>
  );
}

function SourceDialog({ source, onClose, onSaved }: { source: SourceValue | null; onClose(): void; onSaved(): void }) {
  const [name, setName] = useState(source?.name ?? '');
  const [url, setUrl] = useState(source?.url ?? 'https://');
  const [publicKey, setPublicKey] = useState(source?.publicKey ?? '');
  const [removeToken, setRemoveToken] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const token = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
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
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      title={source ? `Edit ${source.name}` : 'Add a catalog source'}
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
      <form id="source-form" className="market-source-form" onSubmit={(e) => void submit(e)}>
        <Field label="Name">
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} data-autofocus />
        </Field>
        <Field
          label="Catalog address"
          hint={
            source
              ? 'An https:// address of a catalog.json. Moving to another server removes the saved token and license keys, unless you type a new token below.'
              : 'An https:// address of a catalog.json.'
          }
        >
          <input className="input" value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} />
        </Field>
        <Field label="Public key (optional)" hint="The catalog’s ed25519 key in base64. With a key, only catalogs signed with it are accepted.">
          <input className="input" value={publicKey} onChange={(e) => setPublicKey(e.target.value)} spellCheck={false} />
        </Field>
        <Field
          label="Bearer token (optional)"
          hint={source?.hasToken ? 'A token is saved in your keyring. Type a new one to replace it.' : 'Kept in your system keyring; sent only to this catalog’s server.'}
        >
          <input ref={token} className="input" type="password" autoComplete="off" />
        </Field>
        {source?.hasToken ? (
          <label className="market-license-set">
            <input type="checkbox" checked={removeToken} onChange={(e) => setRemoveToken(e.target.checked)} /> Remove the saved token
          </label>
        ) : null}
        {error ? <Banner tone="danger">{error}</Banner> : null}
      </form>
    </Dialog>
  );
}
