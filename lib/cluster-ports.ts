/*
 * Ports that belong to Kubernetes itself, not to this project's configuration: they are the same in
 * every cluster the output is applied to.
 */

/** The cluster DNS answers on port 53: UDP, and TCP for answers too large for a datagram. */
export const DNS_PORT = 53;

/**
 * The API server as a pod sees it: the `kubernetes` Service's port, then the real apiserver port
 * after the Service's DNAT (which address a NetworkPolicy implementation matches differs by CNI).
 */
export const API_SERVER_PORTS: readonly number[] = [443, 6443];

/** The kubelet's API (its metrics and cAdvisor's), on every node. */
export const KUBELET_PORT = 10250;

/** HTTPS, for destinations outside the cluster whose addresses are not known in advance. */
export const HTTPS_PORT = 443;
