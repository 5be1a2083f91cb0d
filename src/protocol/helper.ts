// A helper server a site runs next to its agent (squall calibrate's demo
// shop) says where it listens in one JSON line on its standard output.
import { z } from 'zod';

export const HelperReadySchema = z.object({ url: z.string().url() }).strict();

export type HelperReady = z.infer<typeof HelperReadySchema>;
