import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PostureReport } from './report';

/** Where reports go in the bucket: one folder per account and day, so history is listed by date. */
export function reportKey(report: PostureReport, extension: 'json' | 'html'): string {
  const at = report.evaluatedAt;
  const [date = 'unknown'] = at.split('T');
  return `posture/${report.account}/${date.replaceAll('-', '/')}/${at.replace(/[:.]/g, '-')}.${extension}`;
}

/**
 * Stores the JSON report (for machines and audits) and its HTML rendering (for people) in the report bucket, which
 * is encrypted with the stack key by default and versioned. Returns the JSON object's location.
 */
export async function storeReport(
  s3: S3Client,
  bucket: string,
  report: PostureReport,
  html: string,
): Promise<string> {
  const json = reportKey(report, 'json');
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: json,
      Body: JSON.stringify(report, null, 2),
      ContentType: 'application/json',
    }),
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: reportKey(report, 'html'),
      Body: html,
      ContentType: 'text/html; charset=utf-8',
    }),
  );
  return `s3://${bucket}/${json}`;
}
