import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES } from '../../lambdas/shared/contract';

export interface AuditTableProps {
  /** Key the table is encrypted with (retained with the table: the records are unreadable without it). */
  readonly encryptionKey: kms.IKey;
}

/**
 * Remediation audit trail: one item per (finding, plan step), with the before-state that undo needs.
 * Retained when the stack is deleted and protected from deletion: audit records must outlive TrailGuard.
 */
export class AuditTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AuditTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLES.audit.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLES.audit.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
