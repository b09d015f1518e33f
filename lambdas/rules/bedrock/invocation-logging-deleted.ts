import type { Rule } from '../../engine/types';
import { actorLabel, fromSource, inRegion, isAwsServiceActor, quarantineActor } from '../helpers';

export const rule: Rule = {
  id: 'bedrock.invocation-logging-deleted',
  title: 'Bedrock model invocation logging removed',
  description:
    'A successful `DeleteModelInvocationLoggingConfiguration`. Bedrock then stops recording prompts, responses ' +
    'and token counts of model invocations in the region. Attackers who abuse stolen credentials to run models ' +
    '(LLMjacking) remove it first so their prompts and the bill’s origin leave no trace; it also removes the ' +
    'audit trail of what users sent to models.',
  severity: 'medium',
  attack: ['T1562.008'],
  match: {
    eventSource: ['bedrock.amazonaws.com'],
    eventName: ['DeleteModelInvocationLoggingConfiguration'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) =>
    `${actorLabel(event)} turned off Bedrock model invocation logging${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it turned off Bedrock invocation logging'),
  defaultMode: 'alert',
  runbook:
    'Model invocations in this region are no longer logged. Ask the owners of the Bedrock workloads whether it ' +
    'was planned (a change of log destination is done with `PutModelInvocationLoggingConfiguration`, not a ' +
    'delete). If not: restore the configuration (`put-model-invocation-logging-configuration`), then look for ' +
    'what followed: `InvokeModel` / `Converse` calls from unusual principals or addresses, model access requests ' +
    '(`PutUseCaseForModelAccess`, `CreateFoundationModelAgreement`) and a spike in Bedrock cost. Treat the ' +
    'principal as compromised; TrailGuard quarantines it in `enforce` mode.',
  falsePositives: [
    'Teams turning invocation logging off in development accounts for cost or privacy reasons.',
    'Infrastructure-as-code replacing the logging configuration by deleting and re-creating it.',
  ],
  stratus: [],
  references: { panther: ['AWS.Bedrock.DeleteModelInvocationLoggingConfiguration'], sigma: [] },
};
