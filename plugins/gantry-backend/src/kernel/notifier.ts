import type { NotificationService } from '@backstage/plugin-notifications-node';

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

/** The Notifier backed by Backstage notifications, addressed to catalog entities. */
export function notificationsNotifier(
  notifications: NotificationService,
): Notifier {
  return {
    notify: async m =>
      notifications.send({
        recipients: { type: 'entity', entityRef: m.recipients },
        payload: {
          title: m.title,
          description: m.description,
          link: m.link,
          topic: m.topic,
          severity: 'high',
        },
      }),
  };
}
