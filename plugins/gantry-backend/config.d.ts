export interface Config {
  /** Gantry delivery plugins */
  gantry?: {
    /**
     * Environments in promotion order, first to last. The last one is treated as
     * production (promotions into it need approval).
     */
    environments?: string[];
    /** Label on Argo CD Applications naming their environment. Default gantry.dev/environment */
    environmentLabel?: string;
    argocd?: {
      instances: Array<{
        name: string;
        url: string;
        /** @visibility secret */
        token?: string;
        /** Marks what this instance serves as demo data in the UI. */
        demo?: boolean;
      }>;
    };
    kubernetes?: {
      clusters: Array<{
        name: string;
        url: string;
        /** @visibility secret */
        serviceAccountToken?: string;
        skipTLSVerify?: boolean;
      }>;
    };
    prometheus?: {
      baseUrl: string;
    };
  };
}
