import type { PaymentHandler } from '../types';
import { confirmPayment } from './confirm-payment';

/**
 * A sale's KHQR attempt: the cashier's screen polls the attempt by md5 and
 * shows the sale paid once this handler has written its confirmation.
 */
export const saleKhqrConfirmation: PaymentHandler = {
  name: 'sale-khqr-confirmation',
  kind: 'PAYMENT_CONFIRMED',
  purpose: 'SALE',
  handle: confirmPayment,
};
