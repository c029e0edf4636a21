import { expect, it } from 'vitest';

import { itConfirmsPaymentsLikeItsAttempt } from '../../../test/confirmation-handler-contract';
import { subscriptionInvoiceConfirmation } from './subscription-invoice-confirmation';

it('is registered for SUBSCRIPTION_INVOICE payments', () => {
  expect(subscriptionInvoiceConfirmation).toMatchObject({
    kind: 'PAYMENT_CONFIRMED',
    purpose: 'SUBSCRIPTION_INVOICE',
  });
});

itConfirmsPaymentsLikeItsAttempt(subscriptionInvoiceConfirmation);
