import type { Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  HIDDEN_USER_NAME,
  inRegion,
  isAwsServiceActor,
  noRemediation,
  quoted,
  requestString,
} from '../helpers';

export const rule: Rule = {
  id: 'bedrock.guardrail-removed',
  title: 'Bedrock guardrail deleted or changed',
  description:
    'A successful `DeleteGuardrail` or `UpdateGuardrail`. Guardrails filter what Bedrock models accept and ' +
    'return (harmful content, denied topics, PII, prompt attacks); deleting one, or updating its policies, can ' +
    'let applications that rely on it produce or leak what it used to block. CloudTrail hides the new guardrail ' +
    'configuration, so every update counts: the event cannot say whether it weakened anything.',
  severity: 'low',
  attack: ['T1562'],
  match: {
    eventSource: ['bedrock.amazonaws.com'],
    eventName: ['DeleteGuardrail', 'UpdateGuardrail'],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => {
    const name = requestString(event, 'name');
    const shown = quoted(
      name === undefined || name === HIDDEN_USER_NAME ? requestString(event, 'guardrailIdentifier') : name,
    );
    return (
      `${actorLabel(event)} ${event.eventName === 'DeleteGuardrail' ? 'deleted' : 'updated'} Bedrock guardrail ` +
      `${shown}${inRegion(event)}${fromSource(event)}.`
    );
  },
  remediation: noRemediation,
  defaultMode: 'alert',
  runbook:
    'A guardrail protecting model inputs and outputs was removed or changed. Find the applications and agents ' +
    'that reference it (by guardrail id and version) and ask their owners whether the change was planned. For ' +
    'an update, compare the DRAFT with the last published version (`get-guardrail`) to see what was loosened. ' +
    'Respond: restore the guardrail from infrastructure-as-code or re-publish the previous version, and review ' +
    'model invocation logs for prompts that the guardrail would have blocked. TrailGuard has no automatic ' +
    'remediation for this rule.',
  falsePositives: [
    'Application teams tuning guardrail policies (new denied topics, adjusted filter strengths).',
    'Deleting guardrails of retired applications.',
  ],
  stratus: [],
  references: {
    panther: ['AWS.Bedrock.GuardrailUpdateDelete'],
    sigma: ['AWS Bedrock Guardrail Deleted', 'AWS Bedrock Guardrail Updated'],
  },
};
