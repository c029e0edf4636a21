'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

import { useSession } from '../_lib/session';
import { useHrefWithShared } from '../_lib/url-state';

const PAGES = [
  { href: '/', label: 'Overview', hint: 'Is money flowing?' },
  { href: '/deliveries', label: 'Deliveries', hint: 'Every webhook received' },
  { href: '/events', label: 'Events', hint: 'One per payment' },
  { href: '/dispatches', label: 'Dispatches', hint: 'Handler runs' },
  { href: '/anomalies', label: 'Anomalies', hint: 'What needs a person' },
  {
    href: '/attempts',
    label: 'Payment attempts',
    hint: 'QRs the tills showed',
  },
  { href: '/audit', label: 'Audit log', hint: 'Who did what', audit: true },
] as const;

/** The console's sections; the current one is marked for screen readers. */
export function ConsoleNav() {
  const pathname = usePathname();
  const withShared = useHrefWithShared();
  const { canReadAudit } = useSession();
  return (
    <nav className="side-nav" aria-label="Console sections">
      <ul>
        {PAGES.filter((page) => !('audit' in page) || canReadAudit).map(
          (page) => {
            const current =
              page.href === '/'
                ? pathname === '/'
                : pathname.startsWith(page.href);
            return (
              <li key={page.href}>
                <Link
                  href={withShared(page.href)}
                  aria-current={current ? 'page' : undefined}
                >
                  <span className="nav-label">{page.label}</span>
                  <span className="nav-hint">{page.hint}</span>
                </Link>
              </li>
            );
          },
        )}
      </ul>
    </nav>
  );
}
