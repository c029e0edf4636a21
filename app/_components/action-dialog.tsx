'use client';

import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';

import { errorMessage } from '../_lib/error-code';

export type NotePolicy = 'none' | 'optional' | 'required';

/**
 * A button that opens a confirmation saying exactly what will happen, with
 * a note when the action takes one. Nothing runs until Confirm; Escape or
 * Cancel closes it. A native modal dialog keeps focus inside while open and
 * gives it back to the button afterwards.
 */
export function ActionDialog({
  trigger,
  title,
  children,
  confirmLabel,
  note = 'none',
  noteLabel = 'Note for the audit log',
  run,
  onDone,
  tone = 'primary',
  small = false,
}: {
  trigger: string;
  title: string;
  /** What will happen, in plain words. */
  children: ReactNode;
  confirmLabel: string;
  note?: NotePolicy;
  noteLabel?: string;
  run: (note: string | undefined) => Promise<unknown>;
  /** Told once the action succeeded, e.g. to announce it. */
  onDone?: (message: string) => void;
  /** The confirm button's look. */
  tone?: 'primary' | 'danger';
  /** A compact trigger, for table rows and lists. */
  small?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const open = () => {
    setError(null);
    dialog.current?.showModal();
  };
  const close = () => dialog.current?.close();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const text = new FormData(form).get('note');
    const given =
      typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;
    if (note === 'required' && given === undefined) {
      setError('Write a note: it tells the next person what was done and why.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      await run(given);
      form.reset();
      close();
      onDone?.(`${title}: done.`);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setPending(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className={small ? 'button small' : 'button'}
        onClick={open}
      >
        {trigger}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`${id}-title`}>
        <form onSubmit={(event) => void onSubmit(event)}>
          <h2 id={`${id}-title`}>{title}</h2>
          <div className="dialog-body">{children}</div>
          {note !== 'none' ? (
            <div className="field">
              <label htmlFor={`${id}-note`}>
                {noteLabel}
                {note === 'required' ? ' (required)' : ' (optional)'}
              </label>
              <textarea
                id={`${id}-note`}
                name="note"
                rows={3}
                maxLength={2000}
                required={note === 'required'}
              />
            </div>
          ) : null}
          {error !== null ? (
            <p className="state state-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="dialog-buttons">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button ${tone}`}
              disabled={pending}
            >
              {pending ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
