export { ObservabilityCard, ObservabilityContent } from './ObservabilityCard';
