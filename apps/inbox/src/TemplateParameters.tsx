/**
 * The inputs of one part (header or body) of a template's parameters: {{1}}, {{2}}, ... in order,
 * each required. Shared by the reply box's template picker and the new-conversation form.
 */
export function TemplateParameterFields(props: {
  /** Keeps the two forms' ids apart when both are on the page. */
  idPrefix: string;
  part: 'Header' | 'Body';
  count: number;
  values: readonly string[];
  onChange: (values: string[]) => void;
}) {
  const { idPrefix, part, count, values, onChange } = props;
  const id = (index: number) => `${idPrefix}${part.toLowerCase()}-${index}`;
  return (
    <>
      {Array.from({ length: count }, (_, index) => (
        <p key={id(index)}>
          <label for={id(index)}>
            {part} parameter {index + 1}
          </label>
          <input
            id={id(index)}
            required
            value={values[index] ?? ''}
            onInput={(event) => {
              const next = [...values];
              next[index] = event.currentTarget.value;
              onChange(next);
            }}
          />
        </p>
      ))}
    </>
  );
}
