import { FormGroup, FormSelect, FormSelectOption } from '@patternfly/react-core';

/** One choice: a bare string is its own label. */
export type SelectOption<V extends string> = V | { value: V; label: string; isDisabled?: boolean };

/**
 * A labelled select in a form: the FormGroup and its FormSelect, named by its label for screen
 * readers. Tests find the select by its id, set as its data-testid too.
 */
export function SelectField<V extends string>({
  label,
  id,
  value,
  onChange,
  options,
}: {
  label: string;
  id: string;
  value: V;
  onChange: (value: V) => void;
  options: readonly SelectOption<V>[];
}) {
  return (
    <FormGroup label={label} fieldId={id}>
      <FormSelect
        id={id}
        data-testid={id}
        value={value}
        onChange={(_e, v) => onChange(v as V)}
        aria-label={label}
      >
        {options.map((o, i) => {
          const option = typeof o === 'string' ? { value: o, label: o } : o;
          // By position: a value may repeat (a region named "All"), a key may not.
          return <FormSelectOption key={i} {...option} />;
        })}
      </FormSelect>
    </FormGroup>
  );
}
