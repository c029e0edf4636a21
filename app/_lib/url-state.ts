'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

/** Search parameters every console page keeps as it moves between pages. */
export const SHARED_PARAMS = ['tenant'] as const;

const OPAQUE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type UrlState = {
  /** A parameter's value, or undefined when it is absent or blank. */
  get: (name: string) => string | undefined;
  /**
   * Sets or removes (undefined) parameters, and drops the page cursor
   * unless it is among them: a new filter starts again at the newest row.
   */
  set: (changes: Record<string, string | undefined>) => void;
  /** The current query string, for keys that must change with the URL. */
  query: string;
};

/**
 * Filters, search, window and page live in the URL, so a copied link opens
 * the same view and Back undoes a filter. Pushes keep the scroll where it is.
 */
export function useUrlState(): UrlState {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();

  const get = useCallback(
    (name: string) => {
      const value = params.get(name)?.trim();
      return value === undefined || value === '' ? undefined : value;
    },
    [params],
  );

  const set = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(query);
      if (!('cursor' in changes)) next.delete('cursor');
      for (const [name, value] of Object.entries(changes)) {
        if (value === undefined || value.trim() === '') next.delete(name);
        else next.set(name, value.trim());
      }
      const text = next.toString();
      router.push(text === '' ? pathname : `${pathname}?${text}`, {
        scroll: false,
      });
    },
    [query, router, pathname],
  );

  return { get, set, query };
}

/** The tenant the picker chose, when it is a well-formed id. */
export function useTenantParam(): string | undefined {
  const tenant = useSearchParams().get('tenant') ?? undefined;
  return tenant !== undefined && OPAQUE_ID.test(tenant) ? tenant : undefined;
}

/** `href` with the parameters every page shares (the tenant) carried over. */
export function useHrefWithShared(): (href: string) => string {
  const params = useSearchParams();
  return useCallback(
    (href: string) => {
      const [path = '', existing = ''] = href.split('?');
      const next = new URLSearchParams(existing);
      for (const name of SHARED_PARAMS) {
        const value = params.get(name);
        if (value !== null && !next.has(name)) next.set(name, value);
      }
      const text = next.toString();
      return text === '' ? path : `${path}?${text}`;
    },
    [params],
  );
}
