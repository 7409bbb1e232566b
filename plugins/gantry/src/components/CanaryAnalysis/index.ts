export { CanaryAnalysisCard } from './CanaryAnalysisCard';
