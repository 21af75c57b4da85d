/**
 * Table rows and labels for the virtualised list, with PatternFly's classes but none of its
 * measuring. PatternFly's `Td` reads each cell's widths in an effect (to offer a tooltip when the
 * text is cut) and its `Label` does so in a layout effect: every mounted row forces layouts, and
 * the list mounts some 30 rows when it opens and again on every scroll. In a profile of the merged
 * list of 30,000 those reads were about a quarter of a second of the click that opens it. A row's
 * cells here are cut with an ellipsis and carry their full text in `title` where it can be long.
 */
import labelStyles from '@patternfly/react-styles/css/components/Label/label';
import tableStyles from '@patternfly/react-styles/css/components/Table/table';
import type { CSSProperties, ReactNode } from 'react';

export function PlainTr({
  children,
  style,
  ...data
}: {
  children: ReactNode;
  style?: CSSProperties;
  'aria-hidden'?: boolean;
  'data-testid'?: string;
  'data-cluster'?: string;
}) {
  return (
    <tr className={tableStyles.tableTr} style={style} {...data}>
      {children}
    </tr>
  );
}

export function PlainTd({
  children,
  dataLabel,
  style,
  title,
  colSpan,
}: {
  children?: ReactNode;
  /** PatternFly's `data-label`: the column's name where the table stacks on narrow screens. */
  dataLabel?: string;
  style?: CSSProperties;
  title?: string;
  colSpan?: number;
}) {
  return (
    <td className={tableStyles.tableTd} data-label={dataLabel} style={style} title={title} colSpan={colSpan}>
      {children}
    </td>
  );
}

/** The colours the list uses; grey is PatternFly's default, without a modifier. */
const COLORS = { green: labelStyles.modifiers.green, red: labelStyles.modifiers.red, grey: '' } as const;

/** A compact, filled PatternFly label (`<Label isCompact color=…>`), as markup only. */
export function PlainLabel({ color, children }: { color: keyof typeof COLORS; children: ReactNode }) {
  const className = [
    labelStyles.label,
    COLORS[color],
    labelStyles.modifiers.filled,
    labelStyles.modifiers.compact,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <span className={className}>
      <span className={labelStyles.labelContent}>
        <span className={labelStyles.labelText}>{children}</span>
      </span>
    </span>
  );
}
