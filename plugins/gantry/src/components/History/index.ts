export { DeploymentHistoryCard } from './DeploymentHistoryCard';
export { DoraCard } from './DoraCard';
