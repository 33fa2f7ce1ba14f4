import { useEffect, useId, useState, type FormEvent } from 'react';
import { TEAM_HUB_TOKEN_SECRET } from '../../../../app/contract/settings.ts';
import { api } from '../../api.ts';
import type { AppSettings } from '../../stores/settings.ts';
import { useSettings } from '../../stores/settings.ts';
import { useSecrets } from '../../stores/secrets.ts';
import { Banner, Button, CheckIcon, Field, SendIcon, useFormErrors } from '../../ui/index.ts';

const TEAM_FIELDS = ['teamUsage.hubUrl', 'token'];

/**
 * Opt-in team usage: the Hub's address, the person's token (kept in the
 * keyring) and a switch. Main sends figures only, never message content.
 */
export function TeamHubSection({ settings }: { settings: AppSettings }) {
  const update = useSettings((s) => s.update);
  const { secrets, load, store } = useSecrets();
  const headingId = useId();
  const [enabled, setEnabled] = useState(settings.teamUsage.enabled);
  const [hubUrl, setHubUrl] = useState(settings.teamUsage.hubUrl);
  const [token, setToken] = useState('');
  const errors = useFormErrors(TEAM_FIELDS);
  const [busy, setBusy] = useState<'save' | 'send' | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const tokenSaved = secrets.some((s) => s.name === TEAM_HUB_TOKEN_SECRET);

  useEffect(() => {
    void load();
  }, [load]);

  const save = async (): Promise<boolean> => {
    errors.clear();
    setNote(null);
    try {
      await update({ teamUsage: { enabled, hubUrl: hubUrl.trim() } });
      if (token) {
        await store(TEAM_HUB_TOKEN_SECRET, token);
        setToken('');
      }
      return true;
    } catch (e) {
      errors.fail(e);
      return false;
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy('save');
    if (await save()) setNote('Saved');
    setBusy(null);
  };

  const sendNow = async () => {
    setBusy('send');
    if (await save()) {
      try {
        const { sent } = await api.invoke('settings.sendTeamUsage', {});
        setNote(sent === 0 ? 'The Hub already has every finished session' : `Sent ${sent} session summar${sent === 1 ? 'y' : 'ies'}`);
      } catch (e) {
        errors.fail(e);
      }
    }
    setBusy(null);
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <header className="panel-header">
        <h2 id={headingId}>Team Hub</h2>
      </header>
      <form className="panel-body" onSubmit={submit} noValidate>
        <Field
          inline
          label="Share usage with your team"
          hint="Sends each finished session’s tokens, cost, model, duration, status and project name to your team’s Hub. Never what you or the agent wrote."
        >
          <input type="checkbox" role="switch" className="switch" checked={enabled} onChange={(e) => { setEnabled(e.target.checked); setNote(null); }} />
        </Field>
        <Field inline label="Hub address" hint="The https:// address your Hub admin gave you." error={errors.field('teamUsage.hubUrl')}>
          <input className="input mono" type="url" placeholder="https://hub.example.com" value={hubUrl} onChange={(e) => { setHubUrl(e.target.value); setNote(null); }} />
        </Field>
        <Field
          inline
          label="Personal access token"
          hint={tokenSaved ? 'A token is saved in the system keyring. Enter a new one to replace it.' : 'Kept in the system keyring, never in Switchboard’s database.'}
          error={errors.field('token')}
        >
          <input className="input mono" type="password" autoComplete="off" placeholder={tokenSaved ? '••••••••' : 'sbh_…'} value={token} onChange={(e) => { setToken(e.target.value); setNote(null); }} />
        </Field>
        {errors.form ? (
          <Banner tone="danger" title="Team usage was not sent">
            {errors.form}
          </Banner>
        ) : null}
        <div className="form-actions">
          {note ? (
            <span className="saved-note" role="status">
              <CheckIcon size={14} /> {note}
            </span>
          ) : null}
          <Button icon={SendIcon} onClick={sendNow} busy={busy === 'send'} disabled={!enabled || busy !== null}>
            Send now
          </Button>
          <Button type="submit" variant="primary" busy={busy === 'save'} disabled={busy !== null}>
            Save
          </Button>
        </div>
      </form>
    </section>
  );
}
