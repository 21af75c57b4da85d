/** The regional API contract, shared with the operator's server (`src/console/contract.ts`). */
import { z } from 'zod';

// zod compiles parsers with `new Function` when it may; the console's CSP forbids eval, so ask it
// not to try (the attempt alone would log a CSP violation in every tab).
z.config({ jitless: true });

export * from '@contract';
