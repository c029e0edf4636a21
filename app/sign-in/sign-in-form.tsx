'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, useId } from 'react';

import { errorCode, errorMessage } from '../_lib/error-code';
import { useTRPC } from '../_lib/trpc';

/** Only a path of this site: never `//elsewhere` or a full URL. */
function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//')
    ? next
    : '/';
}

export function SignInForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const id = useId();
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async () => {
        await queryClient.resetQueries();
        router.replace(safeNext(params.get('next')));
      },
    }),
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    signIn.mutate({
      username: String(data.get('username') ?? '').trim(),
      password: String(data.get('password') ?? ''),
    });
  };

  const failure =
    signIn.error === null
      ? null
      : errorCode(signIn.error) === 'UNAUTHORIZED'
        ? 'Wrong username or password. Check both and try again; an admin can reset a password.'
        : errorMessage(signIn.error);

  return (
    <form
      className="sign-in-card"
      onSubmit={onSubmit}
      aria-describedby={`${id}-about`}
    >
      <h1>Sign in</h1>
      <p id={`${id}-about`} className="muted">
        The ops console of the Modula Webhook Gateway: payment webhooks, what
        became of them, and what needs a person.
      </p>
      {params.get('signedOut') === '1' && signIn.isIdle ? (
        <p role="status" className="state state-ok">
          You are signed out.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-username`}>Username</label>
        <input
          id={`${id}-username`}
          name="username"
          autoComplete="username"
          required
          maxLength={64}
          autoFocus
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
        />
      </div>
      {failure !== null ? (
        <p role="alert" className="state state-error">
          {failure}
        </p>
      ) : null}
      <button
        type="submit"
        className="button primary wide"
        disabled={signIn.isPending}
      >
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
