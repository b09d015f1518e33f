import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The one Logger and Metrics of a function. Service name comes from POWERTOOLS_SERVICE_NAME (set by the stack). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'trailguard' });
export const metrics = new Metrics({
  namespace: 'TrailGuard',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'trailguard',
});
