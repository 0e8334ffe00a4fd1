import { z } from 'zod';
import { dnsLabel, imageRef, port, res, resources, serviceName } from './common';

const service = z
  .strictObject({
    /** `NodePort` or `LoadBalancer` expose the gateway outside the cluster. */
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP'),
    /** The Service port clients use. */
    port: port.default(80),
    /** Only with type NodePort or LoadBalancer; unset lets Kubernetes pick one. */
    nodePort: z.number().int().min(30000, 'must be in the NodePort range 30000-32767').max(32767, 'must be in the NodePort range 30000-32767').optional(),
    /**
     * With type NodePort or LoadBalancer: `Local` keeps the client's source address (the gateway's
     * per-client token rate limit needs it), and only nodes running a gateway pod take traffic
     * (the load balancer's health check finds them; a NodePort on another node answers nothing).
     * `Cluster` spreads over every node but replaces the address with a node's.
     */
    externalTrafficPolicy: z.enum(['Local', 'Cluster']).default('Local'),
  })
  .refine((s) => s.nodePort === undefined || s.type !== 'ClusterIP', {
    message: 'nodePort needs type NodePort or LoadBalancer',
    path: ['nodePort'],
  });

const ingress = z
  .strictObject({
    /** An Ingress in front of the gateway's Service (needs an ingress controller in the cluster). */
    enabled: z.boolean().default(false),
    /** IngressClass to use; unset means the cluster's default class. */
    className: dnsLabel.optional(),
    /** Host name to route; unset matches every host. */
    host: z
      .string()
      .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a DNS host name such as "infra.example.com"')
      .optional(),
    /** Name of an existing TLS Secret for `host`; unset serves plain HTTP. */
    tlsSecretName: dnsLabel.optional(),
  })
  .refine((i) => i.tlsSecretName === undefined || i.host !== undefined, {
    message: 'tlsSecretName needs a host',
    path: ['tlsSecretName'],
  });

export const gateway = z.strictObject({
  name: serviceName.default('gateway'),
  image: imageRef.default('nginxinc/nginx-unprivileged:1.29.4-alpine'),
  /** UID/GID of the nginx user in the unprivileged image. */
  runAsUser: z.number().int().min(1).default(101),
  runAsGroup: z.number().int().min(1).default(101),
  /** nginx pods; two or more keep routes up through a node drain. */
  replicas: z.number().int().min(0, 'must be 0 or more').default(1),
  /** Container port nginx serves the API on. */
  port: port.default(8080),
  /** Loopback-only port for nginx stub_status, read by the exporter sidecar. */
  statusPort: port.default(8081),
  resources: resources.default(res('10m', '16Mi', '64Mi')),
  exporter: z
    .strictObject({
      image: imageRef.default('nginx/nginx-prometheus-exporter:1.5.1'),
      port: port.default(9113),
      runAsUser: z.number().int().min(1).default(65534),
      resources: resources.default(res('5m', '16Mi', '32Mi')),
    })
    .prefault({}),
  service: service.prefault({}),
  ingress: ingress.prefault({}),
  /**
   * DNS server nginx asks for Service addresses at request time, as `host[:port]`. Unset: the
   * cluster DNS Service by name (`<cluster.dns.service>.<cluster.dns.namespace>.svc.<domain>`),
   * which nginx resolves once at start through the pod's resolv.conf. Set an IP (such as
   * "10.96.0.10") if your cluster DNS Service has another name.
   */
  resolver: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, 'must be "host" or "host:port", such as "10.96.0.10" or "kube-dns.kube-system.svc.cluster.local"')
    .refine((r) => !r.includes(':') || (Number(r.split(':')[1]) >= 1 && Number(r.split(':')[1]) <= 65535), 'must have a port from 1 to 65535 after ":"')
    .optional(),
  /**
   * Addresses (CIDRs) of the load balancers, Ingress controller pods or proxies in front of the
   * gateway. Only a request from one of them may name the client in `X-Forwarded-For` (nginx
   * realip, rightmost untrusted address); from anyone else the header is ignored. Empty: the
   * peer's address is the client's.
   */
  trustedProxies: z
    .array(z.string().refine((s) => z.cidrv4().safeParse(s).success || z.cidrv6().safeParse(s).success, 'must be a CIDR such as "10.0.0.0/8", "192.168.1.10/32" or "fd00::/8"'))
    .default([]),
  /** Token requests (`POST /auth/token`) allowed per second and client address, and the burst above that. */
  tokenRateLimit: z
    .strictObject({ perSecond: z.number().int().min(1).default(5), burst: z.number().int().min(0).default(10) })
    .prefault({}),
});
export type GatewayConfig = z.infer<typeof gateway>;
