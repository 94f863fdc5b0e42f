/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the three clients. The AWS and Anthropic SDKs ignore
 * these variables unless given an agent, so self-hosted runners behind a proxy need this.
 *
 * - `https:` targets go through HTTPS_PROXY, else HTTP_PROXY; `http:` targets through HTTP_PROXY
 *   (lower-case names win over upper-case ones, as curl does).
 * - NO_PROXY: comma- or space-separated hosts; an entry matches the host itself and its
 *   subdomains (`example.com`, `.example.com` and `*.example.com` alike), may carry a port
 *   (`127.0.0.1:8080`), and `*` turns the proxy off. Loopback is proxied unless listed, so list
 *   `localhost,127.0.0.1` for local endpoints.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ClientRequest } from 'node:http';
import type { AgentOptions } from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { ProxyAgent, fetch as undiciFetch } from 'undici';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The proxy settings of an environment; undefined when no proxy is configured. */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const read = (name: string) => (env[name.toLowerCase()] ?? env[name])?.trim() || undefined;
  // `proxy.corp:3128` is common and means http://proxy.corp:3128.
  const withScheme = (url?: string) => (url && !url.includes('://') ? `http://${url}` : url);
  const httpProxy = withScheme(read('HTTP_PROXY'));
  const httpsProxy = withScheme(read('HTTPS_PROXY')) ?? httpProxy;
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: read('NO_PROXY') ?? '' };
}

/** The proxy URL a request to `target` goes through, or undefined for a direct connection. */
export function proxyFor(
  target: string | URL,
  settings: ProxySettings | undefined = proxySettings(),
): string | undefined {
  if (!settings) return undefined;
  const url = typeof target === 'string' ? new URL(target) : target;
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
  return bypassed(host, port, settings.noProxy) ? undefined : proxy;
}

function bypassed(host: string, port: number, noProxy: string): boolean {
  for (const entry of noProxy.toLowerCase().split(/[,\s]+/)) {
    if (!entry) continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, '');
    if (domain && (host === domain || host.endsWith(`.${domain}`))) return true;
  }
  return false;
}

/** `host`, `host:port`, `[v6]:port`, or a bare IPv6 address (whose colons are not a port). */
function splitPort(entry: string): { name: string; entryPort?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed)
    return { name: bracketed[1], entryPort: bracketed[2] ? Number(bracketed[2]) : undefined };
  if (net.isIP(entry)) return { name: entry };
  const withPort = /^(.+):(\d+)$/.exec(entry);
  return withPort ? { name: withPort[1], entryPort: Number(withPort[2]) } : { name: entry };
}

type ConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];

/**
 * An agent for Node's http/https modules that decides per request: through the proxy (a CONNECT
 * tunnel, TLS inside it for https), or directly for hosts NO_PROXY lists.
 */
class RoutingProxyAgent extends HttpsProxyAgent<string> {
  private readonly others = new Map<string, HttpsProxyAgent<string>>();

  constructor(
    private readonly settings: ProxySettings,
    first: string,
    private readonly agentOptions: AgentOptions,
  ) {
    super(first, { keepAlive: true, ...agentOptions });
  }

  override async connect(request: ClientRequest, connect: ConnectOptions): Promise<net.Socket> {
    // HttpsProxyAgent does not pass its own options on to the target: TLS options (`ca`) must.
    const options = { ...this.agentOptions, ...connect } as ConnectOptions;
    const scheme = options.secureEndpoint ? 'https' : 'http';
    const host = net.isIPv6(options.host ?? '') ? `[${options.host}]` : options.host;
    const proxy = proxyFor(`${scheme}://${host}:${options.port}`, this.settings);
    if (!proxy) return direct(options);
    if (new URL(proxy).href === this.proxy.href) return super.connect(request, options);
    let agent = this.others.get(proxy);
    if (!agent) {
      agent = new HttpsProxyAgent(proxy, { keepAlive: true, ...this.agentOptions });
      this.others.set(proxy, agent);
    }
    return agent.connect(request, options);
  }
}

function direct(options: ConnectOptions): Promise<net.Socket> {
  // `path` is the request's path here, not a socket path.
  const target = { ...options, path: undefined };
  return new Promise((resolve, reject) => {
    const socket = target.secureEndpoint
      ? tls.connect({
          ...target,
          servername: target.servername ?? (net.isIP(target.host ?? '') ? undefined : target.host),
        })
      : net.connect(target as net.TcpNetConnectOpts);
    const ready = target.secureEndpoint ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * For the AWS SDK: `requestHandler: { httpAgent: agent, httpsAgent: agent }`. Undefined when no
 * proxy is configured, so the SDK keeps its own agents. `options` (e.g. `ca`) apply to every
 * connection, the TLS inside a tunnel included.
 */
export function proxyAgent(
  env: NodeJS.ProcessEnv = process.env,
  options: AgentOptions = {},
): HttpsProxyAgent<string> | undefined {
  const settings = proxySettings(env);
  const first = settings?.httpsProxy ?? settings?.httpProxy;
  return settings && first ? new RoutingProxyAgent(settings, first, options) : undefined;
}

/**
 * For the Anthropic SDK (`fetch` option) and Octokit (`request.fetch`): undici's fetch with a
 * ProxyAgent for proxied hosts. Undefined when no proxy is configured, so the clients keep theirs.
 */
export function proxyFetch(env: NodeJS.ProcessEnv = process.env): typeof fetch | undefined {
  const settings = proxySettings(env);
  if (!settings) return undefined;
  const agents = new Map<string, ProxyAgent>();
  return (input, init) => {
    const target = typeof input === 'string' || input instanceof URL ? input : input.url;
    const proxy = proxyFor(target, settings);
    let dispatcher: ProxyAgent | undefined;
    if (proxy) {
      dispatcher = agents.get(proxy);
      if (!dispatcher) agents.set(proxy, (dispatcher = new ProxyAgent(proxy)));
    }
    // undici's own fetch: the dispatcher must come from the same undici as the fetch.
    const options = { ...init, ...(dispatcher && { dispatcher }) } as UndiciInit;
    return undiciFetch(input, options);
  };
}

type UndiciInit = Parameters<typeof undiciFetch>[1];
