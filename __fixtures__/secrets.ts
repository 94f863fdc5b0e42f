/**
 * The secrets corpus: lines that carry a credential or personal data, each with the part that
 * must be gone, and look-alikes that must come out unchanged. Shared by the scrubber's tests, the
 * fuzz test and `npm run bench:redaction`.
 */

/** Each line carries a secret: the secret part must be gone, and the words around it kept. */
export const POSITIVES: ReadonlyArray<readonly [name: string, line: string, secret: string]> = [
  ['AWS access key id', 'using key AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE'],
  ['AWS session key id', 'creds ASIAY34FZKBOKMUTVV7A expired', 'ASIAY34FZKBOKMUTVV7A'],
  [
    'AWS secret key alone',
    'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rotated',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ],
  [
    'AWS secret key assigned',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI',
  ],
  [
    'GitHub classic token',
    'git push with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed',
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  ],
  [
    'GitHub app token',
    'token ghs_Abcdefghijklmnopqrstuvwxyz0123456789 in env',
    'ghs_Abcdefghijklmnopqrstuvwxyz0123456789',
  ],
  [
    'GitHub fine-grained token',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX used',
    'github_pat_11ABCDEFG',
  ],
  [
    'Anthropic key',
    'client created with sk-ant-api03-AbCdEf123456_ghIJkl-789mnoPQR',
    'sk-ant-api03-AbCdEf123456',
  ],
  [
    'JWT',
    'jwt=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  ],
  ['Bearer', 'Authorization: Bearer abc123.def456-ghi789', 'abc123.def456'],
  ['Basic', 'header basic dXNlcjpodW50ZXIy sent', 'dXNlcjpodW50ZXIy'],
  [
    'password in a URL',
    'connect postgres://app:S3cr3t-pw@db.internal:5432/shop refused',
    'S3cr3t-pw',
  ],
  ['password with @ in a URL', 'redis://:p@ss@cache:6379/0 timeout', 'p@ss'],
  [
    'connection string',
    'Server=db;Database=shop;User Id=sa;Password=Tr0ub4dor&3;Encrypt=true',
    'Tr0ub4dor',
  ],
  ['JDBC query', 'jdbc:mysql://db:3306/shop?user=root&password=hunter22&ssl=true', 'hunter22'],
  [
    'private key',
    'key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nabc\n-----END RSA PRIVATE KEY----- loaded',
    'MIIEowIBAAKCAQEA7bq',
  ],
  [
    'private key cut off',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA',
    'b3BlbnNzaC1rZXktdjEAAAAA',
  ],
  ['password=', 'login password=hunter2 rejected', 'hunter2'],
  ['secret=', 'client_secret=s3cr3tvalue&grant=x', 's3cr3tvalue'],
  ['token=', '/callback?token=abc987xyz&state=1', 'abc987xyz'],
  ['quoted JSON password', '{"db_password": "correct horse battery"}', 'correct horse'],
  ['API key header', 'X-Api-Key: 7f3kQ9zLmP2w', '7f3kQ9zLmP2w'],
  ['e-mail', 'password reset sent to dana.whitfield+shop@example.co.uk today', 'dana.whitfield'],
  ['e-mail in brackets', 'author Dana <dana@shop.io>', 'dana@shop.io'],
  [
    'long high-entropy string',
    'signature 9fT2kLm8QxZ4vB7nR1wP3sY6cH0jD5gE9a invalid',
    '9fT2kLm8QxZ4vB7nR1wP3sY6cH0jD5gE9a',
  ],
  ['Slack token', 'xoxb-123456789012-abcdefABCDEF posted', 'xoxb-123456789012'],
];

/** Look-alikes people need for debugging: they must come out unchanged. */
export const SURVIVORS: ReadonlyArray<readonly [name: string, line: string]> = [
  ['git SHA', 'deployed 3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6 to prod'],
  ['short SHA', 'revert of abc1234'],
  ['UUID', 'RequestId: 123e4567-e89b-12d3-a456-426614174000 failed'],
  ['upper-case UUID', 'order 123E4567-E89B-12D3-A456-426614174000'],
  ['X-Ray trace id', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'],
  ['Anthropic request id', 'request-id req_011CSHoEeqs5C35K2UUqR7Fy'],
  ['ULID', 'event 01HZX3Y4K5M6N7P8Q9R0S1T2V3 stored'],
  ['image digest', 'sha256:9b2a4f8c1d3e5f7a9b0c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a2'],
  ['low-entropy base64', 'payload aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8= rejected'],
  ['padding', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1'],
  ['file path', 'at /app/src/main/java/com/shop/checkout/CartService.java:142'],
  ['long path', 'open /var/lib/docker/overlay2/containers/checkout-service/logs/app.log'],
  [
    'Java class name',
    'at org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)',
  ],
  [
    'long camel-case identifier',
    'in ThisIsAVeryLongCamelCaseIdentifierName1 and MyApplicationServiceImplTest2Case',
  ],
  ['long method name', 'getUserAccountBalanceForCustomer2024 threw'],
  ['npm package', 'loaded @aws-sdk/client-cloudwatch-logs@3.1169.0'],
  ['Java annotation', '@Test void appliesTwoCoupons()'],
  ['token counts', 'max_tokens=2000 input_tokens: 1234'],
  ['plain URL', 'GET https://api.example.com:8443/v1/orders?page=2 status=502'],
  ['timestamp and ip', '2026-11-20T14:10:41.123Z 10.0.3.17 upstream timeout after 3000ms'],
  ['Kotlin object', 'com.shop.Cart@1a2b3c4d is null'],
  // Ordinary text the scrubber once garbled: words after key names and schemes, code paths.
  ['word after token', 'ERROR E1099 token validation failed'],
  ['word after Basic', 'WARN Basic authentication rejected for /admin'],
  ['word after Bearer', 'bearer authentication is not configured'],
  ['Java path', 'at com/amazonaws/services/s3/AmazonS3Client.putObject'],
  ['workflow permission', 'grant `id-token: write` in the workflow permissions'],
  ['word as a value', 'ERROR login rejected: invalid token=regression'],
  ['status word', 'credentials: unchanged since the last rotation'],
  ['session word', 'session_id=missing in the request'],
  ['numeric session', 'session_id=48213 closed'],
];

/** Every secret of the corpus with its line, for recall. */
export const SECRET_CORPUS = POSITIVES.map(([name, line, secret]) => ({ name, line, secret }));
