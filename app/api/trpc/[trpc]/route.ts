import { handleTrpcRequest } from '@/server/trpc/handle-request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = (request: Request) => handleTrpcRequest(request);

// tRPC sends queries as GET and mutations as POST; Next answers any other
// method with 405 itself.
export { handle as GET, handle as POST };
