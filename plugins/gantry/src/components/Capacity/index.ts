export { CapacityCard } from './CapacityCard';
