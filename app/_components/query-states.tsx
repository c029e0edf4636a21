'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';

import { errorCode, errorMessage } from '../_lib/error-code';

/** Shown while the first answer is on its way. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status">
      Loading {what}…
    </p>
  );
}

/** What to do about each kind of failure, in the operator's terms. */
function adviceFor(code: string | null, what: string): ReactNode {
  switch (code) {
    case 'UNAUTHORIZED':
      return (
        <>
          Your session has ended. <Link href="/sign-in">Sign in again</Link>.
        </>
      );
    case 'FORBIDDEN':
      return 'Your role does not allow this. Ask an admin if you need it.';
    case 'NOT_FOUND':
      return (
        `No such ${what}, or it belongs to a tenant you cannot see. ` +
        'Check the link or search again.'
      );
    case 'BAD_REQUEST':
      return (
        'The link has a filter or page the gateway does not accept. ' +
        'Clear the filters and try again.'
      );
    case null:
      return 'The gateway did not answer. It retries by itself every few seconds; check it is up.';
    default:
      return 'Try again in a moment. If it keeps failing, the gateway log has the cause.';
  }
}

/** A failure, what it means, and a way to try again. */
export function ErrorNotice({
  error,
  what,
  onRetry,
}: {
  error: unknown;
  what: string;
  onRetry?: () => void;
}) {
  const code = errorCode(error);
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {adviceFor(code, what)}
      </p>
      <p className="muted small">{errorMessage(error)}</p>
      {onRetry ? (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** Nothing matched: say why that may be and what to try. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}
