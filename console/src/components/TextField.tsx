import {
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextArea,
  TextInput,
} from '@patternfly/react-core';

/**
 * A labelled text input in a form: the FormGroup, its input and, when the input is wrong, the
 * reason under it. Tests find the input by `testId`, so it is set on the input itself.
 */
export function TextField({
  label,
  id,
  testId = id,
  value,
  onChange,
  placeholder,
  error,
  type,
  autoComplete,
  rows,
}: {
  label: string;
  /** The input's id (the label points at it). */
  id: string;
  /** The input's data-testid; the id when not given. */
  testId?: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string | undefined;
  /** Marks the input invalid; a message is also shown under it (testid `<testId>-error`). */
  error?: boolean | string | undefined;
  type?: 'text' | 'password';
  autoComplete?: string;
  /** A multi-line input (a TextArea) this many rows high. */
  rows?: number;
}) {
  const validated = error ? 'error' : 'default';
  return (
    <FormGroup label={label} fieldId={id}>
      {rows !== undefined ? (
        <TextArea
          id={id}
          data-testid={testId}
          value={value}
          validated={validated}
          rows={rows}
          onChange={(_e, v) => onChange(v)}
        />
      ) : (
        <TextInput
          id={id}
          data-testid={testId}
          type={type}
          autoComplete={autoComplete}
          value={value}
          validated={validated}
          placeholder={placeholder}
          onChange={(_e, v) => onChange(v)}
        />
      )}
      {typeof error === 'string' && error !== '' && (
        <FormHelperText>
          <HelperText>
            <HelperTextItem variant="error" data-testid={`${testId}-error`}>
              {error}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  );
}
