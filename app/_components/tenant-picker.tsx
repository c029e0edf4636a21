'use client';

import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId } from 'react';

import { useSession } from '../_lib/session';
import { useTRPC } from '../_lib/trpc';
import { useTenantParam, useUrlState } from '../_lib/url-state';

/**
 * Narrows every page to one tenant. A caller with a tenant list picks from
 * that list only; a caller over every tenant types one, helped by the
 * tenants of recent payment attempts (the gateway keeps no tenant registry).
 */
export function TenantPicker() {
  const session = useSession();
  const url = useUrlState();
  const tenant = useTenantParam();
  const id = useId();
  const choose = (value: string) =>
    url.set({ tenant: value === '' ? undefined : value });

  if (session.tenants !== 'all') {
    return (
      <div className="picker">
        <label htmlFor={id}>Tenant</label>
        <select
          id={id}
          value={tenant ?? ''}
          onChange={(event) => choose(event.target.value)}
        >
          <option value="">All my tenants ({session.tenants.length})</option>
          {session.tenants.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
    );
  }
  return <AnyTenantPicker id={id} tenant={tenant} choose={choose} />;
}

function AnyTenantPicker({
  id,
  tenant,
  choose,
}: {
  id: string;
  tenant: string | undefined;
  choose: (value: string) => void;
}) {
  const trpc = useTRPC();
  const recent = useQuery({
    ...trpc.paymentAttempts.list.queryOptions({ limit: 200 }),
    staleTime: 60_000,
  });
  const known = [
    ...new Set(recent.data?.items.map((item) => item.tenantId) ?? []),
  ].sort();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get('tenant');
    choose(typeof value === 'string' ? value.trim() : '');
  };
  return (
    <form className="picker" onSubmit={onSubmit} key={tenant ?? ''}>
      <label htmlFor={id}>Tenant</label>
      <input
        id={id}
        name="tenant"
        list={`${id}-known`}
        defaultValue={tenant ?? ''}
        placeholder="All tenants"
        pattern="[A-Za-z0-9_\-]{1,64}"
        title="A tenant id: letters, digits, _ and -"
        size={14}
        onChange={(event) => {
          // Picking from the list applies at once; typing waits for Enter.
          if (known.includes(event.target.value)) choose(event.target.value);
        }}
      />
      <datalist id={`${id}-known`}>
        {known.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      {tenant !== undefined ? (
        <button
          type="button"
          className="button small"
          onClick={() => choose('')}
        >
          All
        </button>
      ) : null}
    </form>
  );
}
