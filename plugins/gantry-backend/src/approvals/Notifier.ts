/** How approvers hear about requests; backed by Backstage notifications in the plugin. */
export interface Notifier {
  notify(message: {
    recipients: string[];
    title: string;
    description: string;
    link: string;
    topic: string;
  }): Promise<void>;
}
