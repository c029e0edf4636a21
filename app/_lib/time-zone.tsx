'use client';

import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

const STORAGE_KEY = 'gateway-console-time-zone';

/** Zones offered besides the browser's own: the pilot's, and UTC for logs. */
export const FIXED_ZONES = ['Asia/Phnom_Penh', 'UTC'] as const;

type TimeZoneState = {
  /** The zone times are shown in. */
  zone: string;
  /** The browser's own zone, always offered first. */
  browserZone: string;
  setZone: (zone: string) => void;
};

const TimeZoneContext = createContext<TimeZoneState | null>(null);

function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The viewer's choice of zone, kept in this browser between visits. */
export function TimeZoneProvider({ children }: { children: ReactNode }) {
  const [own, setOwn] = useState('UTC');
  const [zone, setZoneState] = useState('UTC');

  // Read after mount: the server render knows neither the zone nor storage.
  useEffect(() => {
    const detected = browserZone();
    setOwn(detected);
    const stored = window.localStorage.getItem(STORAGE_KEY);
    setZoneState(stored !== null && isKnownZone(stored) ? stored : detected);
  }, []);

  const setZone = useCallback((next: string) => {
    if (!isKnownZone(next)) return;
    setZoneState(next);
    window.localStorage.setItem(STORAGE_KEY, next);
  }, []);

  const value = useMemo(
    () => ({ zone, browserZone: own, setZone }),
    [zone, own, setZone],
  );
  return (
    <TimeZoneContext.Provider value={value}>
      {children}
    </TimeZoneContext.Provider>
  );
}

export function useTimeZone(): TimeZoneState {
  const state = useContext(TimeZoneContext);
  if (state === null)
    throw new Error('useTimeZone needs a TimeZoneProvider above it');
  return state;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * `full`: 04 Dec 2026, 16:00:34; `short`: 04 Dec, 16:00; `time`: 16:00:34;
 * `clock`: 16:00.
 */
export type TimeStyle = 'full' | 'short' | 'time' | 'clock';

const STYLES: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  full: {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  },
  short: { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' },
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  clock: { hour: '2-digit', minute: '2-digit' },
};

function formatFor(zone: string, style: TimeStyle): Intl.DateTimeFormat {
  const key = `${zone}|${style}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      ...STYLES[style],
      hourCycle: 'h23',
    });
    formats.set(key, format);
  }
  return format;
}

/** An instant as text in `zone`; `style` picks date and seconds. */
export function formatInstant(
  iso: string,
  zone: string,
  style: TimeStyle = 'full',
): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatFor(zone, style).format(date);
}

/** `Asia/Phnom_Penh` as `Asia/Phnom Penh (UTC+7)`, for pickers and headings. */
export function describeZone(zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    timeZoneName: 'shortOffset',
  }).formatToParts(new Date());
  const offset =
    parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
  const name = zone.replace(/_/g, ' ');
  const utc =
    offset === '' || offset === 'GMT' ? 'UTC' : offset.replace('GMT', 'UTC');
  return `${name} (${utc})`;
}
