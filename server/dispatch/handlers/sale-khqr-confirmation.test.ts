import { expect, it } from 'vitest';

import { itConfirmsPaymentsLikeItsAttempt } from '../../../test/confirmation-handler-contract';
import { saleKhqrConfirmation } from './sale-khqr-confirmation';

it('is registered for SALE payments', () => {
  expect(saleKhqrConfirmation).toMatchObject({
    kind: 'PAYMENT_CONFIRMED',
    purpose: 'SALE',
  });
});

itConfirmsPaymentsLikeItsAttempt(saleKhqrConfirmation);
