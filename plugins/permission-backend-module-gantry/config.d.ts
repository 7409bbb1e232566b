export interface Config {
  permission?: {
    /** The Gantry permission policy (@gantry/plugin-permission-backend-module-gantry). */
    gantry?: {
      /**
       * Groups whose members (direct or through child groups) may take every Gantry
       * action on every entity, e.g. `group:default/platform-admins`. Approvals still
       * never let requesters decide their own request.
       */
      adminGroups?: string[];
      /**
       * How long a user's resolved group memberships are reused, in seconds. Default 30.
       */
      membershipCacheSeconds?: number;
    };
  };
}
