export { FlagsTab } from './FlagsTab';
