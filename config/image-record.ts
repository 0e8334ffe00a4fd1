/**
 * The reviewed record of every image reference the project pins, each with where its existence was
 * seen: the docker-library/official-images commit that lists the tag (official images), the
 * upstream release tag the image is built and published from (with its commit), or, where neither
 * exists, what was found. test/images.test.ts fails when a synthesized environment or a default
 * in the configuration schema uses an image that is not here. When you change a pin, find the
 * evidence for the new tag first (for official images: `git log -S'<tag>' -- library/<name>` in a
 * copy of docker-library/official-images) and replace the entry.
 */
export interface ImageEvidence {
  readonly kind: 'official-images' | 'release-tag' | 'indirect';
  /** Repository and what in it shows the tag (commit or tag, with its date). */
  readonly seen: string;
}

const official = (name: string, commit: string, date: string): ImageEvidence => ({
  kind: 'official-images',
  seen: `docker-library/official-images ${commit} (${date}): library/${name} lists the tag`,
});
const release = (repo: string, tag: string, commit: string, date: string): ImageEvidence => ({
  kind: 'release-tag',
  seen: `${repo} tag ${tag} = ${commit} (${date}); the image is published from it`,
});

export const IMAGE_RECORD: Readonly<Record<string, ImageEvidence>> = {
  // Node LTS (config/schema/node-lts.ts): one release, two variants.
  'node:24.19.0-alpine3.24': official('node', '71f9a0b560e919eb6398d4a5115cf3702c7ca7d5', '2026-08-03, "Node.js 24.19.0"'),
  'node:24.19.0-trixie-slim': official('node', '71f9a0b560e919eb6398d4a5115cf3702c7ca7d5', '2026-08-03, "Node.js 24.19.0"'),
  'redis:7.4.6-alpine': official('redis', '157b4dd8e6a50b88288dc6e4ae6f7bdae090df03', '2025-10-03'),
  'nats:2.12.6-alpine': official('nats', '551f850c6cae81ad7de6f488f5008c5068dca6d0', '2026-03-24'),
  'jenkins/jenkins:2.541.3-jdk21': release('jenkinsci/docker', '2.541.3', 'cd0890e04944be2ad2a03d433d204f8ef888552d', '2026-02-15'),
  'jenkins/inbound-agent:3355.v388858a_47b_33-3-jdk21': release('jenkinsci/docker-agent', '3355.v388858a_47b_33-3', '5afcaa2cf6ffe9c784d72505cf7408b4f892eb44', '2025-12-05'),
  'ghcr.io/stefanprodan/podinfo:6.7.1': release('stefanprodan/podinfo', '6.7.1', '6b7aab8a10d6ee8b895b0a5048f4ab0966ed29ff', '2024-10-08'),
  'oliver006/redis_exporter:v1.88.0': release('oliver006/redis_exporter', 'v1.88.0', '16db88a0c2981c365aeca0973c43dd7d6a560f64', '2026-07-23'),
  'natsio/prometheus-nats-exporter:0.18.0': release('nats-io/prometheus-nats-exporter', 'v0.18.0', 'd161758f7bc0f2af7e0bdf007db80e52413d795c', '2025-11-21'),
  'natsio/nats-box:0.19.3': release('nats-io/nats-box', 'v0.19.3', 'c513191640b4c04ef748e8f39cd00c0ad1c0d667', '2026-01-28'),
  'nginxinc/nginx-unprivileged:1.29.4-alpine': release('nginx/docker-nginx-unprivileged', '1.29.4', '83a56385eaebb7f96b3499f8a4487a385dde482e', '2026-02-05, "Update mainline NGINX to 1.29.4"'),
  'nginx/nginx-prometheus-exporter:1.5.1': release('nginx/nginx-prometheus-exporter', 'v1.5.1', '3c38a4c27ce2c2784739064da5c9acf5b2021680', '2025-10-14'),
  'quay.io/prometheus/prometheus:v3.5.0': release('prometheus/prometheus', 'v3.5.0', '8be3a9560fbdd18a94dedec4b747c35178177202', '2025-07-14'),
  'quay.io/prometheus-operator/prometheus-config-reloader:v0.83.0': release('prometheus-operator/prometheus-operator', 'v0.83.0', '5cf2f5d37906d64b2259a262e319df4c74639e31', '2025-05-30'),
  'quay.io/prometheus/alertmanager:v0.28.1': release('prometheus/alertmanager', 'v0.28.1', 'b2099eaa2c9ebc25edb26517cb9c732738e93910', '2025-03-07'),
  'quay.io/prometheus/node-exporter:v1.9.1': release('prometheus/node_exporter', 'v1.9.1', 'f2ec547b49af53815038a50265aa2adcd1275959', '2025-04-01'),
  'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0': release('kubernetes/kube-state-metrics', 'v2.16.0', '291a9628407643cc8ef134e1f877709aad012fdd', '2025-06-25'),
  'docker.io/grafana/grafana:13.2.2': {
    kind: 'indirect',
    seen: 'grafana/grafana is too large to mirror here; public projects pin and run grafana/grafana:13.2.2 (one records running it, build commit 1bea008f)',
  },
  'alpine/kubectl:1.34.2': {
    kind: 'indirect',
    seen: 'alpine-docker/multi-arch-docker-images kubectl/version-tag.sh tags each build with its kubectl client version (no git tag); kubectl v1.34.2 is a Kubernetes release; public pipelines pin alpine/kubectl:1.34.2 (KubeRocketCI 3.13 release notes, epam/edp-tekton#586)',
  },
};
