'use client';

import { type FormEvent, useId } from 'react';

import type { UrlState } from '../_lib/url-state';
import { WINDOWS } from '../_lib/windows';

export type FilterField =
  | {
      kind: 'select';
      name: string;
      label: string;
      /** The first option's text, meaning "no filter". */
      anyLabel: string;
      options: readonly { value: string; label: string }[];
    }
  | {
      kind: 'text';
      name: string;
      label: string;
      placeholder?: string;
      hint?: string;
      wide?: boolean;
    };

function isWide(field: FilterField): boolean {
  return field.kind === 'text' && field.wide === true;
}

/** The time window every list offers, by when its rows were made. */
export function windowField(label: string): FilterField {
  return {
    kind: 'select',
    name: 'window',
    label,
    anyLabel: 'Any time',
    options: Object.entries(WINDOWS).map(([value, window]) => ({
      value,
      label: window.label,
    })),
  };
}

/**
 * Filters as a form whose values come from the URL. A select applies at
 * once; text applies on Enter or with the button. The form is keyed by the
 * query string, so Back and a shared link show the values in force.
 */
export function FilterBar({
  url,
  fields,
  label,
}: {
  url: UrlState;
  fields: readonly FilterField[];
  label: string;
}) {
  const id = useId();
  const apply = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const changes: Record<string, string | undefined> = {};
    for (const field of fields) {
      const value = data.get(field.name);
      changes[field.name] =
        typeof value === 'string' && value.trim() !== '' ? value : undefined;
    }
    url.set(changes);
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply(event.currentTarget);
  };
  const active = fields.some((field) => url.get(field.name) !== undefined);

  return (
    <form
      key={url.query}
      className="filters"
      role="search"
      aria-label={label}
      onSubmit={onSubmit}
    >
      {fields.map((field) => {
        const fieldId = `${id}-${field.name}`;
        const hintId =
          field.kind === 'text' && field.hint ? `${fieldId}-hint` : undefined;
        return (
          <div
            key={field.name}
            className={isWide(field) ? 'field wide' : 'field'}
          >
            <label htmlFor={fieldId}>{field.label}</label>
            {field.kind === 'select' ? (
              <select
                id={fieldId}
                name={field.name}
                defaultValue={url.get(field.name) ?? ''}
                onChange={(event) =>
                  event.currentTarget.form && apply(event.currentTarget.form)
                }
              >
                <option value="">{field.anyLabel}</option>
                {field.options.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={fieldId}
                name={field.name}
                type="search"
                defaultValue={url.get(field.name) ?? ''}
                placeholder={field.placeholder}
                aria-describedby={hintId}
                autoComplete="off"
                spellCheck={false}
              />
            )}
            {hintId && field.kind === 'text' ? (
              <span id={hintId} className="hint">
                {field.hint}
              </span>
            ) : null}
          </div>
        );
      })}
      <div className="field actions">
        <button type="submit" className="button primary">
          Apply
        </button>
        {active ? (
          <button
            type="button"
            className="button"
            onClick={() =>
              url.set(
                Object.fromEntries(
                  fields.map((field) => [field.name, undefined]),
                ),
              )
            }
          >
            Clear filters
          </button>
        ) : null}
      </div>
    </form>
  );
}
