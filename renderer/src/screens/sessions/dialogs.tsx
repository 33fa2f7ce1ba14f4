import { useEffect, useState, type ReactNode } from 'react';
import type { ProjectInfo, SourceConfig } from '../../../../app/contract/agents.ts';
import { api } from '../../api.ts';
import { Banner, Button, Dialog, Field, RefreshIcon, Spinner, errorMessage, useFormErrors } from '../../ui/index.ts';
import { formatEnv, parseEnv } from './envText.ts';

const PROJECT_FIELDS = ['path', 'name'];

export function AddProjectDialog({ onClose, onAdded }: { onClose(): void; onAdded(project: ProjectInfo): void }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors(PROJECT_FIELDS);
  const submit = async () => {
    setBusy(true);
    errors.clear();
    try {
      onAdded(await api.invoke('projects.add', { path, ...(name.trim() ? { name } : {}) }));
    } catch (e) {
      errors.fail(e);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Add project"
      description="Sessions whose working folder is inside this folder are listed under the project."
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} onClick={() => void submit()} disabled={!path.trim()}>
            Add project
          </Button>
        </>
      }
    >
      <form
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {errors.form ? <Banner tone="danger">{errors.form}</Banner> : null}
        <Field label="Folder" hint="The full path, like /home/you/code/shop" error={errors.field('path')}>
          <input className="input mono" value={path} onChange={(e) => setPath(e.target.value)} autoFocus spellCheck={false} />
        </Field>
        <Field label="Name" hint="Optional; the folder's name otherwise" error={errors.field('name')}>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

const LABELS: Record<Exclude<keyof SourceConfig, 'watch' | 'claudeEnv' | 'codexEnv'>, [string, ReactNode]> = {
  claudeRoot: ['Claude Code transcripts', 'Usually ~/.claude/projects'],
  codexRoot: ['Codex CLI sessions', 'Usually ~/.codex/sessions'],
  claudeBinary: ['Claude Code program', <>Name on PATH or full path of <code>claude</code></>],
  codexBinary: ['Codex CLI program', <>Name on PATH or full path of <code>codex</code></>],
  claudeKeySecret: ['Keyring entry for ANTHROPIC_API_KEY', 'Set it under Settings → Secrets'],
  codexKeySecret: ['Keyring entry for OPENAI_API_KEY', 'Set it under Settings → Secrets'],
  claudeBaseUrl: ['Claude Code API address', 'ANTHROPIC_BASE_URL, for a gateway or proxy; empty for the default'],
  codexBaseUrl: ['Codex API address', 'OPENAI_BASE_URL; empty for the default'],
};

const ENV_LABELS = {
  claudeEnv: 'More environment for Claude Code runs',
  codexEnv: 'More environment for Codex runs',
} as const;
const ENV_HINT = 'One NAME=value a line (proxies, CLAUDE_CODE_MAX_RETRIES, …). Write NAME=keyring:<entry> to take a secret from the keyring (Settings → Secrets).';

export function SourcesDialog({ onClose, onScanned }: { onClose(): void; onScanned(): void }) {
  const [config, setConfig] = useState<SourceConfig | null>(null);
  const [stats, setStats] = useState<{ files: number; malformedLines: number; unknownRecords: number; lastScanAt: string | null } | null>(null);
  const [busy, setBusy] = useState<'save' | 'scan' | null>(null);
  const [note, setNote] = useState<{ tone: 'info' | 'danger'; text: string } | null>(null);
  const [envText, setEnvText] = useState<Record<keyof typeof ENV_LABELS, string>>({ claudeEnv: '', codexEnv: '' });
  const [envError, setEnvError] = useState<Partial<Record<keyof typeof ENV_LABELS, string>>>({});

  useEffect(() => {
    void api.invoke('sessions.sources', {}).then(({ settings, ...rest }) => {
      setConfig(settings);
      setEnvText({ claudeEnv: formatEnv(settings.claudeEnv), codexEnv: formatEnv(settings.codexEnv) });
      setStats(rest);
    }, (e) => setNote({ tone: 'danger', text: errorMessage(e) }));
  }, []);

  const save = async () => {
    if (!config) return;
    const claude = parseEnv(envText.claudeEnv);
    const codex = parseEnv(envText.codexEnv);
    setEnvError({ ...(claude.error ? { claudeEnv: claude.error } : {}), ...(codex.error ? { codexEnv: codex.error } : {}) });
    if (claude.error || codex.error) return;
    setBusy('save');
    setNote(null);
    try {
      const { settings, ...rest } = await api.invoke('sessions.updateSources', { ...config, claudeEnv: claude.entries, codexEnv: codex.entries });
      setConfig(settings);
      setStats(rest);
      setNote({ tone: 'info', text: 'Saved. The folders are read again now.' });
      onScanned();
    } catch (e) {
      setNote({ tone: 'danger', text: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };
  const rescan = async () => {
    setBusy('scan');
    setNote(null);
    try {
      const r = await api.invoke('sessions.rescan', {});
      setNote({ tone: 'info', text: `Read ${r.filesRead} files: ${r.messagesAdded} new messages, ${r.malformedLines} unreadable lines, ${r.unknownRecords} unknown records kept as they are.` });
      onScanned();
    } catch (e) {
      setNote({ tone: 'danger', text: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog
      title="Sources"
      width="lg"
      description="Where transcripts are read from, and how agents are started."
      onClose={onClose}
      footer={
        <>
          <Button icon={RefreshIcon} busy={busy === 'scan'} onClick={() => void rescan()}>
            Read now
          </Button>
          <Button onClick={onClose}>Close</Button>
          <Button variant="primary" busy={busy === 'save'} onClick={() => void save()} disabled={!config}>
            Save
          </Button>
        </>
      }
    >
      {!config ? (
        <div className="loading-row"><Spinner label="Loading" /> Loading…</div>
      ) : (
        <div className="form-stack">
          {(Object.keys(LABELS) as (keyof typeof LABELS)[]).map((key) => (
            <Field key={key} label={LABELS[key][0]} hint={LABELS[key][1]}>
              <input className="input mono" value={config[key]} spellCheck={false} onChange={(e) => setConfig({ ...config, [key]: e.target.value })} />
            </Field>
          ))}
          {(Object.keys(ENV_LABELS) as (keyof typeof ENV_LABELS)[]).map((key) => (
            <Field key={key} label={ENV_LABELS[key]} hint={ENV_HINT} error={envError[key] ?? null}>
              <textarea className="input mono sources-env" rows={3} value={envText[key]} spellCheck={false} onChange={(e) => setEnvText({ ...envText, [key]: e.target.value })} />
            </Field>
          ))}
          <Field label="Follow transcripts as they grow" inline>
            <input type="checkbox" className="switch" checked={config.watch} onChange={(e) => setConfig({ ...config, watch: e.target.checked })} />
          </Field>
          {stats ? (
            <p className="sessions-hint">
              {stats.files} files followed · {stats.malformedLines} unreadable lines skipped · {stats.unknownRecords} unknown records kept
            </p>
          ) : null}
        </div>
      )}
      {note ? <Banner tone={note.tone}>{note.text}</Banner> : null}
    </Dialog>
  );
}
