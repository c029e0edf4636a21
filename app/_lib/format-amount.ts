/** Decimal places each currency is shown with: riel has none in practice. */
const DECIMALS: Record<string, number> = { KHR: 0, USD: 2 };

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `25000` KHR as `KHR 25,000` and `4.5` USD as `USD 4.50`. The gateway sends
 * amounts as decimal text, and they are grouped as text, so no amount ever
 * passes through a binary float on its way to the screen.
 */
export function formatAmount(amount: string, currency: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return `${currency} ${amount}`;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const decimals = DECIMALS[currency] ?? fraction.length;
  if (decimals === 0) {
    // A fraction on riel would be a data problem: show it rather than hide it.
    const shown = /^0*$/.test(fraction) ? '' : `.${fraction}`;
    return `${currency} ${sign}${group(whole)}${shown}`;
  }
  const padded =
    fraction.length >= decimals ? fraction : fraction.padEnd(decimals, '0');
  return `${currency} ${sign}${group(whole)}.${padded}`;
}
