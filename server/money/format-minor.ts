const DECIMALS: Record<string, number> = { KHR: 0, USD: 2 };

/** Minor units as major-unit text: `25000` KHR, `450` USD is `4.50`. */
export function formatMinor(minor: string, currency: string): string {
  const decimals = DECIMALS[currency] ?? 0;
  if (decimals === 0) return minor;
  const digits = minor.padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
