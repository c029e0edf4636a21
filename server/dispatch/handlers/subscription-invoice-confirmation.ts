import type { PaymentHandler } from '../types';
import { confirmPayment } from './confirm-payment';

/**
 * A subscription invoice paid now by KHQR: the billing service reads the
 * invoice's confirmation. Same proof rules as a sale; its own handler so
 * that billing-specific effects land here and not in the sale's path.
 */
export const subscriptionInvoiceConfirmation: PaymentHandler = {
  name: 'subscription-invoice-confirmation',
  kind: 'PAYMENT_CONFIRMED',
  purpose: 'SUBSCRIPTION_INVOICE',
  handle: confirmPayment,
};
