import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

import type { AppRouter } from '@/server/trpc/root';

/** What each procedure answers, as the console receives it (plain JSON). */
export type Outputs = inferRouterOutputs<AppRouter>;
export type Inputs = inferRouterInputs<AppRouter>;

export type Me = Outputs['auth']['me'];
export type DeliveryRow = Outputs['deliveries']['list']['items'][number];
export type DeliveryDetail = Outputs['deliveries']['byId'];
export type EventRow = Outputs['events']['list']['items'][number];
export type EventDetail = Outputs['events']['byId'];
export type DispatchRow = Outputs['dispatches']['list']['items'][number];
export type AnomalyRow = Outputs['anomalies']['list']['items'][number];
export type AttemptRow = Outputs['paymentAttempts']['list']['items'][number];
export type AuditRow = Outputs['auditLog']['list']['items'][number];
export type Overview = Outputs['stats']['overview'];
