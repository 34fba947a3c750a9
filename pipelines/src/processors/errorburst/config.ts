import { z } from 'zod';

export const errorburstConfigSchema = z
  .object({
    /** Alertmanager's base URL; alerts go to `<url>/api/v2/alerts`. */
    alertmanagerUrl: z.string().url(),
    /** A second is failing when more than this share of its server and consumer spans are errors. */
    threshold: z.number().gt(0).lt(1).default(0.05),
    /** The alert fires once every second with traffic in this many seconds was failing. */
    sustainSeconds: z.number().int().min(1).max(300).default(10),
    /** ...and at least this share of those seconds had traffic (a lone burst then silence stays quiet). */
    activeShare: z.number().gt(0).max(1).default(0.8),
    /** ...and they held at least this many calls in all. */
    minCalls: z.number().int().min(1).default(10),
    /** Seconds are judged this long after they end, so that spans the applications still batch arrive. */
    lagSeconds: z.number().int().min(0).max(120).default(6),
    /** A fired alert stays firing this long after the last failing window, then resolves. */
    keepFiringSeconds: z.number().int().min(0).default(60),
    /** A firing alert is re-sent this often; Alertmanager resolves it by itself after four missed sends. */
    resendSeconds: z.number().int().min(1).default(15),
    /** Labels added to every alert (e.g. `stack`, to match the Prometheus external labels inhibitions compare). */
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type ErrorburstConfig = z.infer<typeof errorburstConfigSchema>;
