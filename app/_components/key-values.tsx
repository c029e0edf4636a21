import type { ReactNode } from 'react';

export type KeyValue = { label: string; value: ReactNode; hint?: string };

/** Facts about one row as a description list: label, value, optional why. */
export function KeyValues({ items }: { items: readonly KeyValue[] }) {
  return (
    <dl className="key-values">
      {items.map((item) => (
        <div key={item.label} className="key-value">
          <dt>{item.label}</dt>
          <dd>
            {item.value}
            {item.hint ? <span className="hint">{item.hint}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
