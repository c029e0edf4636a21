import { type ReactNode, Suspense } from 'react';

import { ConsoleShell } from '../_components/console-shell';
import { Loading } from '../_components/query-states';

// Pages read their filters from the URL in the browser; the boundary lets
// the rest of the document render before they do.
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <Suspense fallback={<Loading what="the console" />}>
      <ConsoleShell>{children}</ConsoleShell>
    </Suspense>
  );
}
