/**
 * The detection catalog: every rule, sorted by id. Rules live one per file under `lambdas/rules/<family>/`, and
 * each family's `index.ts` lists its rules. A new family: one folder with an index, one import line here.
 */
import type { Rule } from '../engine/types';
import { rules as account } from './account';
import { rules as bedrock } from './bedrock';
import { rules as cloudtrail } from './cloudtrail';
import { rules as config } from './config';
import { rules as credentials } from './credentials';
import { rules as ebs } from './ebs';
import { rules as ec2 } from './ec2';
import { rules as guardduty } from './guardduty';
import { rules as iam } from './iam';
import { rules as kms } from './kms';
import { rules as lambdaFunctions } from './lambda';
import { rules as logs } from './logs';
import { rules as macie } from './macie';
import { rules as organizations } from './organizations';
import { rules as rds } from './rds';
import { rules as rolesanywhere } from './rolesanywhere';
import { rules as root } from './root';
import { rules as route53resolver } from './route53resolver';
import { rules as s3 } from './s3';
import { rules as secretsmanager } from './secretsmanager';
import { rules as securityhub } from './securityhub';
import { rules as signin } from './signin';
import { rules as ssm } from './ssm';
import { rules as sts } from './sts';
import { rules as vpc } from './vpc';

const families: readonly (readonly Rule[])[] = [
  account,
  bedrock,
  cloudtrail,
  config,
  credentials,
  ebs,
  ec2,
  guardduty,
  iam,
  kms,
  lambdaFunctions,
  logs,
  macie,
  organizations,
  rds,
  rolesanywhere,
  root,
  route53resolver,
  s3,
  secretsmanager,
  securityhub,
  signin,
  ssm,
  sts,
  vpc,
];

export const catalog: readonly Rule[] = Object.freeze(
  families.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
);

const byId = new Map(catalog.map((rule) => [rule.id, rule]));
if (byId.size !== catalog.length) {
  const seen = new Set<string>();
  const duplicate = catalog.find((rule) => seen.has(rule.id) || !seen.add(rule.id));
  throw new Error(`duplicate rule id in the catalog: ${duplicate?.id}`);
}

/** The rule with this id, or `undefined`. */
export function getRule(id: string): Rule | undefined {
  return byId.get(id);
}
