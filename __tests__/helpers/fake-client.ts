/** A CloudWatch Logs client of the real SDK, pointed at a local fake with dummy credentials. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

export function fakeClient(url: string, maxAttempts = 1): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts,
  });
}
