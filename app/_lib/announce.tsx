'use client';

import { usePathname } from 'next/navigation';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useState,
} from 'react';

const AnnounceContext = createContext<(message: string) => void>(() => {});

/**
 * One polite live region for the outcome of actions ("Dispatch retried"),
 * shown as a banner too, since a dialog that closes says nothing by itself.
 */
export function AnnounceProvider({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  // A message belongs to the page it was said on and goes when you leave it.
  const [said, setSaid] = useState({ text: '', on: '' });
  const announce = useCallback(
    (text: string) => setSaid({ text, on: pathname }),
    [pathname],
  );
  const message = said.on === pathname ? said.text : '';
  const setMessage = (text: string) => setSaid({ text, on: pathname });
  return (
    <AnnounceContext.Provider value={announce}>
      <div
        role="status"
        className={message === '' ? 'announce empty' : 'announce'}
      >
        {message}
        {message !== '' ? (
          <button
            type="button"
            className="button small"
            onClick={() => setMessage('')}
            aria-label="Dismiss this message"
          >
            ×
          </button>
        ) : null}
      </div>
      {children}
    </AnnounceContext.Provider>
  );
}

export function useAnnounce(): (message: string) => void {
  return useContext(AnnounceContext);
}
