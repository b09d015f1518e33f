import { parseArgs } from 'node:util';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import { ssmParameterFetcher } from '../../lambdas/config/ssm-fetcher';
import { assessPosture } from '../../lambdas/posture/assess';
import { renderHtml, renderText } from '../../lambdas/posture/render';
import { DEFAULT_CONFIG_PREFIX } from '../../lambdas/shared/contract';
import { type Command, UsageError } from '../types';

const FORMATS = ['table', 'json', 'html'] as const;
/** Exit code when `--fail-on-violation` is given and a check fails. */
export const POSTURE_VIOLATION_EXIT_CODE = 3;

const USAGE = `trailguard posture [--format table|json|html] [--endpoint-url URL] [--region REGION] [--profile NAME]
                   [--as-of DATE] [--config-prefix PATH | --defaults] [--fail-on-violation]

Runs the IAM posture checks (the same code as the daily Lambda) against the account of your credentials and prints
the report. Read-only: it publishes no finding and changes nothing.

  --format             table (default), json (the report the Lambda stores in S3), or html
  --endpoint-url       AWS endpoint override (e.g. a local moto_server)
  --region             region for STS and SSM (default: AWS_REGION, else us-east-1)
  --profile            named profile from your AWS config files
  --as-of              measure ages as of this date (ISO 8601, e.g. 2025-01-31 or 2025-01-31T12:00:00Z)
  --config-prefix      read thresholds, baseline and modes from SSM under this path (default ${DEFAULT_CONFIG_PREFIX})
  --defaults           ignore SSM and use the CIS defaults
  --fail-on-violation  exit ${POSTURE_VIOLATION_EXIT_CODE} when a check fails (for CI)

Needs: iam:GenerateCredentialReport, GetCredentialReport, GetAccountSummary, GetAccountPasswordPolicy,
ListAccessKeys, ListAttachedUserPolicies, ListUserPolicies, GetUserPolicy, GetPolicy, GetPolicyVersion
(and ssm:GetParametersByPath on the prefix unless --defaults).`;

export const posture: Command = {
  usage: USAGE,
  async run({ args, out, err }) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        format: { type: 'string', default: 'table' },
        'endpoint-url': { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'as-of': { type: 'string' },
        'config-prefix': { type: 'string' },
        defaults: { type: 'boolean', default: false },
        'fail-on-violation': { type: 'boolean', default: false },
      },
    });
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format))
      throw new UsageError(`--format must be table, json or html, got "${values.format}"`);
    const endpoint = values['endpoint-url'];
    if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
      throw new UsageError(`--endpoint-url must be an http(s) URL, got "${endpoint}"`);
    }
    let asOf: Date | undefined;
    if (values['as-of'] !== undefined) {
      const raw = values['as-of'];
      const at = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(raw)
        ? Date.parse(/T/.test(raw) && !/(Z|[+-]\d{2}:\d{2})$/.test(raw) ? `${raw}Z` : raw)
        : Number.NaN;
      if (Number.isNaN(at))
        throw new UsageError(`--as-of must be an ISO 8601 date such as 2025-01-31, got "${raw}"`);
      asOf = new Date(at);
    }
    const prefix = values['config-prefix'] ?? DEFAULT_CONFIG_PREFIX;
    if (values.defaults && values['config-prefix'] !== undefined) {
      throw new UsageError('give --config-prefix or --defaults, not both');
    }
    if (!/^(\/[a-zA-Z0-9_.-]+)+$/.test(prefix)) {
      throw new UsageError(`--config-prefix must be an SSM path such as /trailguard, got "${prefix}"`);
    }
    const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
    const common = {
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(values.profile ? { credentials: fromIni({ profile: values.profile }) } : {}),
    };
    // IAM is global: its endpoint lives in one region per partition.
    const iamRegion = region.startsWith('us-gov-')
      ? 'us-gov-west-1'
      : region.startsWith('cn-')
        ? 'cn-north-1'
        : 'us-east-1';
    const iam = new IAMClient({ ...common, region: endpoint ? region : iamRegion });
    const sts = new STSClient(common);
    const ssm = new SSMClient(common);
    try {
      const { report } = await assessPosture({
        iam,
        sts,
        prefix,
        asOf,
        fetchConfig: values.defaults ? undefined : ssmParameterFetcher(ssm, prefix),
      });
      if (format === 'json') out(JSON.stringify(report, null, 2));
      else if (format === 'html') out(renderHtml(report).trimEnd());
      else out(renderText(report, { allUsers: true }).trimEnd());
      if (report.gaps.length > 0)
        err(`note: ${report.gaps.length} gap(s) in what could be read; see the report`);
      return values['fail-on-violation'] && report.summary.failed > 0 ? POSTURE_VIOLATION_EXIT_CODE : 0;
    } finally {
      iam.destroy();
      sts.destroy();
      ssm.destroy();
    }
  },
};
