import { useEffect, useState } from 'react';
import type { Static } from '@sinclair/typebox';
import type { ConsentQuestion } from '../../../app/contract/plugins.ts';
import { PERMISSION_TEXT, type Permission } from '../../../app/permissions.ts';
import { api } from '../api.ts';
import { Banner, Button, Dialog, errorMessage, SafeText } from '../ui/index.ts';
import './consent.css';

type Question = Static<typeof ConsentQuestion>;

/** "asks to …": the permission's title as a verb phrase; two titles are nouns and get their own words. */
const ASK_PHRASE: Partial<Record<Permission, string>> = { settings: 'use its own settings', events: 'hear and send session events' };

export function askPhrase(permission: Permission): string {
  const title = PERMISSION_TEXT[permission].title;
  return ASK_PHRASE[permission] ?? title.charAt(0).toLowerCase() + title.slice(1);
}

function titleOf(q: Question): string {
  return q.kind === 'permission' ? `${q.pluginName} asks to ${askPhrase(q.permission)}` : `${q.pluginName} wants to run an agent on ${q.projectName}`;
}

function QuestionDialog({ question, waiting, onAnswered }: { question: Question; waiting: number; onAnswered(): void }) {
  const [busy, setBusy] = useState<'allow' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const answer = async (allow: boolean) => {
    if (busy) return;
    setBusy(allow ? 'allow' : 'deny');
    setError(null);
    try {
      await api.invoke('plugins.answerConsent', { requestId: question.requestId, allow });
      onAnswered();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(null);
    }
  };
  return (
    <Dialog
      title={titleOf(question)}
      role="alertdialog"
      width="sm"
      onClose={() => void answer(false)}
      footer={
        <>
          <Button busy={busy === 'deny'} disabled={busy !== null} onClick={() => void answer(false)} data-autofocus>
            Deny
          </Button>
          <Button variant="primary" busy={busy === 'allow'} disabled={busy !== null} onClick={() => void answer(true)}>
            Allow
          </Button>
        </>
      }
    >
      {question.kind === 'permission' ? (
        <>
          <p className="consent-lead">
            <SafeText text={question.pluginName} /> asks to {askPhrase(question.permission)}: <q className="consent-reason"><SafeText text={question.reason} /></q>
          </p>
          <p className="consent-detail">{PERMISSION_TEXT[question.permission].description} You can revoke it later on the plugin’s page.</p>
        </>
      ) : (
        <>
          <p className="consent-lead">
            <SafeText text={question.pluginName} /> wants to run an agent on <SafeText as="strong" text={question.projectName} /> with this prompt:
          </p>
          <pre className="consent-prompt" aria-label="Prompt"><SafeText text={question.prompt} /></pre>
          <p className="consent-detail">It runs as your own Run agent does, hooks included. Switchboard asks only before its first run.</p>
        </>
      )}
      {waiting > 0 ? <p className="consent-detail">{waiting === 1 ? 'One more question is' : `${waiting} more questions are`} waiting.</p> : null}
      {error ? <Banner tone="danger" title="Your answer did not reach Switchboard.">{error}</Banner> : null}
    </Dialog>
  );
}

/**
 * Questions plugins wait on (a permission asked for at run time, a first
 * agent run), one dialog at a time, oldest first. Main decides what the
 * answer does; Escape and closing the dialog answer Deny.
 */
export function ConsentPrompts() {
  const [pending, setPending] = useState<Question[]>([]);
  useEffect(() => {
    let current = true;
    const stop = api.on('plugins.consent', (event) => {
      if ('answered' in event) setPending((list) => list.filter((q) => q.requestId !== event.requestId));
      else setPending((list) => (list.some((q) => q.requestId === event.requestId) ? list : [...list, event]));
    });
    api.invoke('plugins.consents', {}).then(
      ({ pending: open }) => current && setPending((list) => [...list, ...open.filter((q) => !list.some((l) => l.requestId === q.requestId))]),
      // Nothing is open before main is up; each new question arrives as an event.
      () => undefined,
    );
    return () => {
      current = false;
      stop();
    };
  }, []);
  const question = pending[0];
  if (!question) return null;
  return (
    <QuestionDialog
      key={question.requestId}
      question={question}
      waiting={pending.length - 1}
      onAnswered={() => setPending((list) => list.filter((q) => q.requestId !== question.requestId))}
    />
  );
}
