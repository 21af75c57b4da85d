import { Label } from '@patternfly/react-core';
import type { RegionStatus } from '../lib/store';

const COLORS: Record<RegionStatus, 'green' | 'blue' | 'grey' | 'orange' | 'red'> = {
  'Signed in': 'green',
  Loading: 'blue',
  'Signed out': 'grey',
  Unreachable: 'orange',
  Unauthorized: 'red',
};

export function RegionStatusLabel({ status, testId }: { status: RegionStatus; testId?: string }) {
  return (
    <Label color={COLORS[status]} data-testid={testId}>
      {status}
    </Label>
  );
}
