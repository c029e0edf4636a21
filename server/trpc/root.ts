import { router } from './init';
import { dispatchesRouter } from './routers/dispatches';
import { eventsRouter } from './routers/events';
import { paymentAttemptsRouter } from './routers/payment-attempts';
import { systemRouter } from './routers/system';

export const appRouter = router({
  dispatches: dispatchesRouter,
  events: eventsRouter,
  paymentAttempts: paymentAttemptsRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
