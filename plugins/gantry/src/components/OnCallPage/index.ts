export { OnCallPage } from './OnCallPage';
