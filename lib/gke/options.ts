/** Choices GKE offers that config and constructs share (no provider code here, so config loads stay light). */

export const RELEASE_CHANNELS = ['RAPID', 'REGULAR', 'STABLE', 'EXTENDED'] as const;
export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number];

/** How nodes are bought: spot (cheapest, may be reclaimed any time), preemptible (legacy, 24 h cap) or standard. */
export const NODE_PROVISIONING = ['spot', 'preemptible', 'standard'] as const;
export type NodeProvisioning = (typeof NODE_PROVISIONING)[number];
