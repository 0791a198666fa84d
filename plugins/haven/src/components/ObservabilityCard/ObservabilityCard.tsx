import { InfoCard } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_OTEL_SERVICE_NAME,
  isTelemetryAvailable,
} from '@haven-plus/plugin-haven-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ObservabilityView } from './ObservabilityView';

function MissingTelemetryAnnotation() {
  return (
    <>
      <Typography variant="body2">
        Either annotation is enough: the OpenTelemetry service name defaults to
        the kubernetes-id.
      </Typography>
      <MissingAnnotationEmptyState
        annotation={[ANNOTATION_KUBERNETES_ID, ANNOTATION_OTEL_SERVICE_NAME]}
      />
    </>
  );
}

/**
 * Grafana Explore links, recent traces and log volume of the entity's
 * service, for the overview tab.
 * @public
 */
export function ObservabilityCard() {
  const { entity } = useEntity();
  return (
    <InfoCard title="Observability" subheader="Tempo traces and Loki logs">
      {isTelemetryAvailable(entity) ? (
        <ObservabilityView entity={entity} variant="card" />
      ) : (
        <MissingTelemetryAnnotation />
      )}
    </InfoCard>
  );
}

/**
 * The Observability tab: the card's content with more traces.
 * @public
 */
export function ObservabilityContent() {
  const { entity } = useEntity();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Observability" subheader="Tempo traces and Loki logs">
          {isTelemetryAvailable(entity) ? (
            <ObservabilityView entity={entity} variant="content" />
          ) : (
            <MissingTelemetryAnnotation />
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
