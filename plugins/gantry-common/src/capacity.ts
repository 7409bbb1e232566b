/** Use of one resource (CPU or memory) against the containers' limits in one namespace. */
export interface CapacityResource {
  /** CPU in cores, memory in bytes: what the containers use now. */
  usage: number | null;
  /** Sum of the same containers' limits, in the same unit. */
  limit: number | null;
  /** usage / limit, 0-1 (above 1 is possible for CPU bursts measured over 5m). */
  ratio: number | null;
  /**
   * Days until the ratio reaches 1 at the trend of the last forecast window
   * (predict_linear); null when usage is flat or falling, or unknown.
   */
  daysToLimit: number | null;
}

/** The HorizontalPodAutoscaler of the entity in one namespace (kube-state-metrics). */
export interface CapacityHpa {
  currentReplicas: number;
  maxReplicas: number;
  atMax: boolean;
}

/** Headroom of the entity in one environment (one Kubernetes namespace). */
export interface CapacityEnvironment {
  /** The Gantry environment whose Argo CD application deploys to `namespace`; absent when none does. */
  environment?: string;
  namespace: string;
  cpu: CapacityResource;
  memory: CapacityResource;
  hpa: CapacityHpa | null;
  /** Why nothing is known for this environment (e.g. no series), when so. */
  reason?: string;
}

export interface EntityCapacity {
  entityRef: string;
  evaluatedAt: string;
  /** The container (and HPA) name the series are selected by. */
  container: string;
  /** The regression window of the forecasts, e.g. 1d. */
  forecastWindow: string;
  environments: CapacityEnvironment[];
  /** Why no headroom could be read at all (no Prometheus, or it failed). */
  error?: string;
  /** Why `environments` is empty although Prometheus answered (no series for the container). */
  emptyReason?: string;
}
