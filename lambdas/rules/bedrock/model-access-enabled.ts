import type { CloudTrailRecord, Rule } from '../../engine/types';
import {
  actorLabel,
  fromSource,
  inRegion,
  isAwsServiceActor,
  quarantineActor,
  quoted,
  requestString,
} from '../helpers';

function whatHappened(event: CloudTrailRecord): string {
  const model = requestString(event, 'modelId') ?? requestString(event, 'offerToken');
  switch (event.eventName) {
    case 'PutUseCaseForModelAccess':
      return 'submitted a Bedrock model access use case';
    case 'CreateFoundationModelAgreement':
      return `accepted the Bedrock model agreement${model === undefined ? '' : ` for ${quoted(model)}`}`;
    default:
      return `enabled access to Bedrock model${model === undefined ? 's' : ` ${quoted(model)}`}`;
  }
}

export const rule: Rule = {
  id: 'bedrock.model-access-enabled',
  title: 'Bedrock foundation model access requested or granted',
  description:
    'A successful `PutUseCaseForModelAccess`, `CreateFoundationModelAgreement` or `PutFoundationModelEntitlement`: ' +
    'the calls that enable a foundation model (mostly third-party ones such as Anthropic’s) in an account. ' +
    'Attackers with stolen keys do this to run expensive models at the victim’s cost (LLMjacking), because a ' +
    'model nobody enabled cannot be invoked. Legitimate teams do it once per model and region.',
  severity: 'medium',
  attack: ['T1496.004'],
  match: {
    eventSource: ['bedrock.amazonaws.com'],
    eventName: [
      'PutUseCaseForModelAccess',
      'CreateFoundationModelAgreement',
      'PutFoundationModelEntitlement',
    ],
    errorCode: [{ exists: false }],
  },
  predicate: (event) => !isAwsServiceActor(event),
  summarize: (event) => `${actorLabel(event)} ${whatHappened(event)}${inRegion(event)}${fromSource(event)}.`,
  remediation: (event) => quarantineActor(event, 'it enabled Bedrock model access'),
  defaultMode: 'alert',
  runbook:
    'Someone enabled a foundation model. Ask the teams that use Bedrock whether they requested it; a principal ' +
    'that has never touched Bedrock, a long-term access key, an unusual region or source address are the ' +
    'LLMjacking signs. Investigate: `InvokeModel`, `InvokeModelWithResponseStream` and `Converse` calls by the ' +
    'same principal (CloudTrail management events record them), whether invocation logging was turned off ' +
    '(`DeleteModelInvocationLoggingConfiguration`), and the Bedrock cost in Cost Explorer. Respond: deactivate ' +
    'the credentials and quarantine the principal if it was not planned (TrailGuard quarantines it in `enforce` ' +
    'mode); restrict model access with an SCP on `bedrock:InvokeModel*` and `aws-marketplace:Subscribe`.',
  falsePositives: [
    'Data-science or application teams enabling a new model for a project.',
    'Platform teams enabling the approved model list in new accounts or regions.',
  ],
  stratus: ['aws.impact.bedrock-invoke-model'],
  references: { panther: [], sigma: [] },
};
