import type { Prisma } from '../generated/prisma/client.js';

/** A Prisma interactive transaction: what every function that writes inside its caller's transaction takes. */
export type Tx = Prisma.TransactionClient;
