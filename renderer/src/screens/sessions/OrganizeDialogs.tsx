import { useState } from 'react';
import type { ProjectInfo } from '../../../../app/contract/agents.ts';
import { api } from '../../api.ts';
import { Banner, Button, Dialog, Field, errorMessage, safeString, useFormErrors } from '../../ui/index.ts';

interface RenameProps {
  title: string;
  label: string;
  hint: string;
  /** The argument the call refuses by name: its words show on the field. */
  field: string;
  initial: string;
  save(value: string): Promise<unknown>;
  onClose(): void;
}

/** One name to change: a project's, or a session's own title. */
export function RenameDialog({ title, label, hint, field, initial, save, onClose }: RenameProps) {
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors([field]);
  const submit = async () => {
    setBusy(true);
    errors.clear();
    try {
      await save(value);
      onClose();
    } catch (e) {
      errors.fail(e);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} onClick={() => void submit()}>
            Rename
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
        <Field label={label} hint={hint} error={errors.field(field)}>
          <input className="input" value={value} onChange={(e) => setValue(e.target.value)} autoFocus spellCheck={false} />
        </Field>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}

/** Merges one project into another the user picks; the merged one's folders and sessions go there. */
export function MergeProjectDialog({ project, projects, onClose, onMerged }: { project: ProjectInfo; projects: readonly ProjectInfo[]; onClose(): void; onMerged(into: ProjectInfo): void }) {
  const others = projects.filter((p) => p.id !== project.id);
  const [into, setInto] = useState(others[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onMerged(await api.invoke('projects.merge', { from: project.id, into }));
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Merge ${safeString(project.name)} into…`}
      description={`Its folder ${project.path} becomes part of the project you choose, and its ${project.sessionCount} sessions move there, with the ones that run in that folder later.`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} disabled={!into} onClick={() => void submit()}>
            Merge
          </Button>
        </>
      }
    >
      <Field label="Merge into">
        <select className="select" value={into} onChange={(e) => setInto(e.target.value)} autoFocus>
          {others.map((p) => (
            <option key={p.id} value={p.id}>
              {safeString(p.name)}{p.hidden ? ' (hidden)' : ''} — {p.path}
            </option>
          ))}
        </select>
      </Field>
      {error ? <Banner tone="danger">{error}</Banner> : null}
    </Dialog>
  );
}
