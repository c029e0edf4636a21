'use client';

import { type ReactNode, useEffect } from 'react';

/** The page's one h1, a line on what the page is for, and its actions. */
export function PageHeader({
  title,
  about,
  children,
}: {
  title: string;
  about?: ReactNode;
  children?: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Modula Webhook Gateway`;
  }, [title]);
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {about ? <p className="muted about">{about}</p> : null}
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}
