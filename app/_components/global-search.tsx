'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId } from 'react';

import { useHrefWithShared } from '../_lib/url-state';

/**
 * The first thing to reach for with a complaint in hand: whatever the
 * customer or the branch has (the QR's md5, the bank's transaction hash, a
 * message or delivery id) finds the deliveries of that payment.
 */
export function GlobalSearch() {
  const router = useRouter();
  const withShared = useHrefWithShared();
  const id = useId();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get('q');
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') return;
    router.push(withShared(`/deliveries?q=${encodeURIComponent(text)}`));
  };
  return (
    <form
      className="global-search"
      role="search"
      aria-label="Find a payment"
      onSubmit={onSubmit}
    >
      <label htmlFor={id} className="sr-only">
        Find a payment by md5, transaction hash, message id or delivery id
      </label>
      <input
        id={id}
        name="q"
        type="search"
        placeholder="md5, hash or id"
        autoComplete="off"
        spellCheck={false}
        maxLength={256}
      />
      <button type="submit" className="button primary">
        Find
      </button>
    </form>
  );
}
