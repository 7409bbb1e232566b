/** Test helpers for running the Gantry permission policy in a test backend. */
export { catalogWith, component, group, user } from './catalogWith';
export { onBehalfOfHttpAuth } from './onBehalfOfHttpAuth';
