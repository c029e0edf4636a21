'use client';

import {
  createContext,
  type ReactNode,
  useContext,
  useMemo,
  useState,
} from 'react';

import { REFRESH_MS } from './providers';

type Refresh = {
  /** What to pass as `refetchInterval`: the period, or false while paused. */
  interval: number | false;
  paused: boolean;
  togglePaused: () => void;
};

const RefreshContext = createContext<Refresh>({
  interval: REFRESH_MS,
  paused: false,
  togglePaused: () => {},
});

/** One pause for the whole console, so reading a long page is not disturbed. */
export function RefreshProvider({ children }: { children: ReactNode }) {
  const [paused, setPaused] = useState(false);
  const value = useMemo(
    () => ({
      interval: paused ? (false as const) : REFRESH_MS,
      paused,
      togglePaused: () => setPaused((was) => !was),
    }),
    [paused],
  );
  return (
    <RefreshContext.Provider value={value}>{children}</RefreshContext.Provider>
  );
}

export function useRefresh(): Refresh {
  return useContext(RefreshContext);
}
