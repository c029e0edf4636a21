import type { Metadata } from 'next';
import type { ReactNode } from 'react';

import { Providers } from './_lib/providers';
import './console.css';

export const metadata: Metadata = {
  title: {
    default: 'Modula Webhook Gateway',
    template: '%s · Modula Webhook Gateway',
  },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
