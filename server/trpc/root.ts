import { router } from './init';
import { anomaliesRouter } from './routers/anomalies';
import { auditLogRouter } from './routers/audit-log';
import { authRouter } from './routers/auth';
import { deliveriesRouter } from './routers/deliveries';
import { dispatchesRouter } from './routers/dispatches';
import { eventsRouter } from './routers/events';
import { operatorsRouter } from './routers/operators';
import { paymentAttemptsRouter } from './routers/payment-attempts';
import { statsRouter } from './routers/stats';
import { systemRouter } from './routers/system';
import { tokensRouter } from './routers/tokens';

export const appRouter = router({
  anomalies: anomaliesRouter,
  auditLog: auditLogRouter,
  auth: authRouter,
  deliveries: deliveriesRouter,
  dispatches: dispatchesRouter,
  events: eventsRouter,
  operators: operatorsRouter,
  paymentAttempts: paymentAttemptsRouter,
  stats: statsRouter,
  system: systemRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;
