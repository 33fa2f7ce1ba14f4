import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { TASK_STATUS_LABELS, TASK_STATUSES, type TaskStatus } from '../../../../app/contract/tasks.ts';
import { api } from '../../api.ts';
import { Banner, Button, Dialog, Field, formatTime, useFormErrors } from '../../ui/index.ts';
import type { Task } from './useTasks.ts';

const TASK_FIELDS = ['title', 'description', 'status', 'assignee'];

export type TaskDialogMode = { kind: 'create'; status: TaskStatus } | { kind: 'edit'; task: Task };

/**
 * Creates or edits one task. Main decides what is valid and words each
 * refused field; nothing changes on the board until it says yes.
 */
export function TaskDialog({ mode, onClose }: { mode: TaskDialogMode; onClose(): void }) {
  const editing = mode.kind === 'edit' ? mode.task : null;
  const [title, setTitle] = useState(editing?.title ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [assignee, setAssignee] = useState(editing?.assignee ?? '');
  const [status, setStatus] = useState<TaskStatus>(editing?.status ?? (mode.kind === 'create' ? mode.status : 'todo'));
  const errors = useFormErrors(TASK_FIELDS);
  const [busy, setBusy] = useState(false);

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    errors.clear();
    try {
      const assigned = assignee.trim() ? assignee : null;
      if (!editing) {
        await api.invoke('tasks.create', { title, description, status, assignee: assigned });
      } else {
        await api.invoke('tasks.update', { id: editing.id, title, description, assignee: assigned });
        if (status !== editing.status) await api.invoke('tasks.move', { id: editing.id, status });
      }
      onClose();
    } catch (err) {
      errors.fail(err);
      setBusy(false);
    }
  };

  const submitOnCtrlEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void save();
  };

  return (
    <Dialog
      title={editing ? `Edit task #${editing.id}` : 'New task'}
      onClose={onClose}
      description={editing ? `Created by ${editing.createdByName}, ${formatTime(editing.createdAt)}` : undefined}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="task-dialog-form" busy={busy}>{editing ? 'Save' : 'Create task'}</Button>
        </>
      }
    >
      <form id="task-dialog-form" className="task-form" onSubmit={(e) => void save(e)} noValidate>
        {errors.form ? <Banner tone="danger">{errors.form}</Banner> : null}
        <Field label="Title" error={errors.field('title')}>
          <input className="input" value={title} onChange={(e) => setTitle(e.target.value)} data-autofocus />
        </Field>
        <Field label="Description" hint="Ctrl+Enter saves." error={errors.field('description')}>
          <textarea className="input task-form-description" rows={5} value={description} onChange={(e) => setDescription(e.target.value)} onKeyDown={submitOnCtrlEnter} />
        </Field>
        <div className="task-form-row">
          <Field label="Column" error={errors.field('status')}>
            <select className="select" value={status} onChange={(e) => setStatus(e.target.value as TaskStatus)}>
              {TASK_STATUSES.map((s) => <option key={s} value={s}>{TASK_STATUS_LABELS[s]}</option>)}
            </select>
          </Field>
          <Field label="Assignee" hint="Optional." error={errors.field('assignee')}>
            <input className="input" value={assignee} onChange={(e) => setAssignee(e.target.value)} />
          </Field>
        </div>
      </form>
    </Dialog>
  );
}
