import { formatAmount } from '../_lib/format-amount';

/** An amount in its currency: riel without decimals, dollars with two. */
export function AmountText({
  amount,
  currency,
}: {
  amount: string;
  currency: string;
}) {
  return <span className="amount">{formatAmount(amount, currency)}</span>;
}
