import { Alert, AlertActionCloseButton } from '@patternfly/react-core';
import type { Outcome } from '../lib/outcome';

/** The outcome of an action: the server's message verbatim on failure. */
export function ActionAlert({
  outcome,
  onClose,
  testIdPrefix = 'action',
}: {
  outcome: Outcome | undefined;
  onClose?: () => void;
  /** `action` for the outcome of a user's action (one per page); another prefix for load errors. */
  testIdPrefix?: string;
}) {
  if (!outcome) return null;
  const close = onClose ? <AlertActionCloseButton onClose={onClose} /> : undefined;
  if (outcome.kind === 'error') {
    return (
      <Alert
        variant="danger"
        isInline
        title={outcome.title}
        data-testid={`${testIdPrefix}-error`}
        actionClose={close}
        style={{ marginBottom: 16 }}
      >
        <p data-testid={`${testIdPrefix}-error-message`}>{outcome.message}</p>
        {outcome.field ? <p>Field: {outcome.field}</p> : null}
      </Alert>
    );
  }
  return (
    <Alert
      variant="success"
      isInline
      title={outcome.message}
      data-testid={`${testIdPrefix}-success`}
      actionClose={close}
      style={{ marginBottom: 16 }}
    />
  );
}
