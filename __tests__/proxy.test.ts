import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { getOctokit } from '@actions/github';
import { proxyAgent, proxyFetch, proxyFor, proxySettings } from '../src/proxy.js';
import { CloudWatchSource, createCloudWatchClient } from '../src/sources/cloudwatch.js';
import { startFakeCloudWatch, type FakeCloudWatch } from './fakes/cloudwatch.js';
import { startFakeProxy, type FakeProxy } from './fakes/proxy.js';

describe('proxyFor', () => {
  const env = {
    HTTPS_PROXY: 'http://secure-proxy:3128',
    HTTP_PROXY: 'http://plain-proxy:3128',
    NO_PROXY:
      'localhost, 127.0.0.1 internal.example, .corp.example,*.svc.example,api.example:8443,[::1]',
  };
  const settings = proxySettings(env);

  it.each([
    ['https://logs.us-east-1.amazonaws.com', 'http://secure-proxy:3128'],
    ['http://logs.us-east-1.amazonaws.com', 'http://plain-proxy:3128'],
    ['http://localhost:4566', undefined],
    ['http://127.0.0.1:8080', undefined],
    ['http://[::1]:8080', undefined],
    ['https://internal.example', undefined],
    ['https://a.b.internal.example', undefined],
    ['https://notinternal.example', 'http://secure-proxy:3128'],
    ['https://x.corp.example', undefined],
    ['https://corp.example', undefined],
    ['https://x.svc.example', undefined],
    ['https://api.example:8443', undefined],
    ['https://api.example', 'http://secure-proxy:3128'],
    ['http://127.0.0.2', 'http://plain-proxy:3128'],
  ])('%s: proxy %s', (target, expected) => {
    expect(proxyFor(target, settings)).toBe(expected);
  });

  it('uses HTTP_PROXY for https when HTTPS_PROXY is unset, lower case first', () => {
    expect(proxyFor('https://x.example', proxySettings({ HTTP_PROXY: 'http://p:1' }))).toBe(
      'http://p:1',
    );
    expect(
      proxyFor(
        'https://x.example',
        proxySettings({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1' }),
      ),
    ).toBe('http://lower:1');
  });

  it('reads a proxy without a scheme as http://', () => {
    expect(proxyFor('https://x.example', proxySettings({ HTTPS_PROXY: 'proxy.corp:3128' }))).toBe(
      'http://proxy.corp:3128',
    );
  });

  it('turns the proxy off for NO_PROXY=* and without proxy variables', () => {
    expect(
      proxyFor('https://x.example', proxySettings({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })),
    ).toBeUndefined();
    expect(proxySettings({ NO_PROXY: 'x' })).toBeUndefined();
    expect(proxyFor('https://x.example', undefined)).toBeUndefined();
    expect(proxyAgent({})).toBeUndefined();
    expect(proxyFetch({})).toBeUndefined();
  });
});

describe('through a local CONNECT proxy', () => {
  const AWS_ENV = {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  };
  const saved: Record<string, string | undefined> = {};
  let proxy: FakeProxy;
  let cloudwatch: FakeCloudWatch;
  let api: Server;
  let apiUrl: string;
  const apiHits: string[] = [];

  beforeAll(async () => {
    for (const key of [...Object.keys(AWS_ENV), 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      saved[key] = process.env[key];
    }
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    Object.assign(process.env, AWS_ENV);
    saved.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;

    proxy = await startFakeProxy();
    cloudwatch = await startFakeCloudWatch({
      groups: { app: { events: [{ timestamp: 1_000, message: 'ERROR through the proxy' }] } },
    });
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = cloudwatch.url;

    // Answers like the Anthropic Messages API and the GitHub REST API, enough for one call each.
    api = createServer((request, response) => {
      apiHits.push(`${request.method} ${request.url}`);
      request.resume();
      const body = request.url?.startsWith('/v1/messages')
        ? {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'claude-test',
            content: [{ type: 'text', text: 'hello' }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage: { input_tokens: 1, output_tokens: 1 },
          }
        : { full_name: 'octo/repo' };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all([proxy.close(), cloudwatch.close()]);
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  afterEach(() => {
    proxy.connects.length = 0;
    cloudwatch.requests.length = 0;
    apiHits.length = 0;
  });

  const port = (url: string) => new URL(url).port;

  async function readThrough(env: NodeJS.ProcessEnv): Promise<string[]> {
    const client = createCloudWatchClient({ env, maxAttempts: 1 });
    return readAll(client);
  }

  it('carries the AWS SDK calls to CloudWatch Logs', async () => {
    const messages = await readThrough({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    expect(messages).toEqual(['ERROR through the proxy']);
    expect(proxy.connects).toEqual([`127.0.0.1:${port(cloudwatch.url)}`]);
    expect(cloudwatch.requests).toHaveLength(1);
  });

  it.each(['127.0.0.1', 'localhost,127.0.0.1', `127.0.0.1:${'PORT'}`])(
    'lets NO_PROXY=%s bypass it for the AWS SDK',
    async (noProxy) => {
      const messages = await readThrough({
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: proxy.url,
        NO_PROXY: noProxy.replace('PORT', port(cloudwatch.url)),
      });
      expect(messages).toEqual(['ERROR through the proxy']);
      expect(proxy.connects).toEqual([]);
      expect(cloudwatch.requests).toHaveLength(1);
    },
  );

  it('carries the Anthropic SDK calls when given proxyFetch', async () => {
    const fetch = proxyFetch({ HTTP_PROXY: proxy.url });
    const anthropic = new Anthropic({ apiKey: 'test-key', baseURL: apiUrl, maxRetries: 0, fetch });
    const message = await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(proxy.connects).toEqual([`127.0.0.1:${port(apiUrl)}`]);
    expect(apiHits).toEqual(['POST /v1/messages']);
  });

  it('carries the Octokit calls when given proxyFetch, and NO_PROXY bypasses it', async () => {
    const proxied = getOctokit('test-token', {
      baseUrl: apiUrl,
      request: { fetch: proxyFetch({ HTTP_PROXY: proxy.url }) },
    });
    const { data } = await proxied.rest.repos.get({ owner: 'octo', repo: 'repo' });
    expect(data.full_name).toBe('octo/repo');
    expect(proxy.connects).toEqual([`127.0.0.1:${port(apiUrl)}`]);

    const direct = getOctokit('test-token', {
      baseUrl: apiUrl.replace('127.0.0.1', 'localhost'),
      request: { fetch: proxyFetch({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost' }) },
    });
    await direct.rest.repos.get({ owner: 'octo', repo: 'repo' });
    expect(proxy.connects).toHaveLength(1);
    expect(apiHits).toEqual(['GET /repos/octo/repo', 'GET /repos/octo/repo']);
  });
});

/** A throwaway self-signed certificate for 127.0.0.1, made with openssl when it is installed. */
function selfSigned(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'aftershock-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificate = selfSigned();

(certificate ? describe : describe.skip)('an HTTPS endpoint (as CloudWatch Logs is)', () => {
  let proxy: FakeProxy;
  let cloudwatch: FakeCloudWatch;
  const saved: Record<string, string | undefined> = {};
  const names = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  ];

  beforeAll(async () => {
    for (const name of names) saved[name] = process.env[name];
    proxy = await startFakeProxy();
    cloudwatch = await startFakeCloudWatch({
      groups: { app: { events: [{ timestamp: 1_000, message: 'ERROR over TLS' }] } },
      tls: certificate,
    });
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cloudwatch.url,
    });
  });

  afterAll(async () => {
    await Promise.all([proxy.close(), cloudwatch.close()]);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  async function read(env: NodeJS.ProcessEnv): Promise<string[]> {
    // The agent trusts the self-signed certificate, in the tunnel and outside it.
    const agent = proxyAgent(env, { ca: certificate?.cert });
    const client = createCloudWatchClient({ agent, maxAttempts: 1 });
    return readAll(client);
  }

  it('goes through HTTPS_PROXY in a CONNECT tunnel, TLS inside it', async () => {
    await expect(read({ HTTPS_PROXY: proxy.url })).resolves.toEqual(['ERROR over TLS']);
    expect(proxy.connects).toEqual([`127.0.0.1:${new URL(cloudwatch.url).port}`]);
  });

  it('connects directly, still over TLS, to a host NO_PROXY lists', async () => {
    proxy.connects.length = 0;
    const env = { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' };
    await expect(read(env)).resolves.toEqual(['ERROR over TLS']);
    expect(proxy.connects).toEqual([]);
    expect(cloudwatch.requests).toHaveLength(2);
  });
});

/** Every event of the fake's group `app` through `client`, which is closed afterwards. */
async function readAll(client: ReturnType<typeof createCloudWatchClient>): Promise<string[]> {
  try {
    const source = new CloudWatchSource({ client, logGroup: 'app', filterPattern: 'ERROR' });
    const messages: string[] = [];
    for await (const event of source.events('after', { start: 0, end: 10_000 })) {
      messages.push(event.message);
    }
    return messages;
  } finally {
    client.destroy();
  }
}
