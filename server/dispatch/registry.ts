import { saleKhqrConfirmation } from './handlers/sale-khqr-confirmation';
import { subscriptionInvoiceConfirmation } from './handlers/subscription-invoice-confirmation';
import type { PaymentHandler } from './types';

/** The registry as the SQL functions take it (see migration 0003). */
export type DispatchRoutes = {
  routes: Record<string, { handler: string; maxAttempts: number }[]>;
};

export type Registry = {
  routes: DispatchRoutes;
  byName: (name: string) => PaymentHandler | undefined;
};

export const DEFAULT_HANDLERS: readonly PaymentHandler[] = [
  saleKhqrConfirmation,
  subscriptionInvoiceConfirmation,
];

/**
 * Handlers keyed by event kind and purpose. The SQL that resolves an event
 * receives the routes as data, so the registry here stays the one source.
 */
export function createRegistry(
  handlers: readonly PaymentHandler[],
  defaultMaxAttempts: number,
): Registry {
  const byName = new Map<string, PaymentHandler>();
  const routes: DispatchRoutes['routes'] = {};
  for (const handler of handlers) {
    if (byName.has(handler.name)) {
      throw new Error(`two dispatch handlers are named ${handler.name}`);
    }
    byName.set(handler.name, handler);
    const key = `${handler.kind}:${handler.purpose}`;
    (routes[key] ??= []).push({
      handler: handler.name,
      maxAttempts: handler.maxAttempts ?? defaultMaxAttempts,
    });
  }
  return { routes: { routes }, byName: (name) => byName.get(name) };
}
