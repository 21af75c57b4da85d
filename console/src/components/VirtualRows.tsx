/**
 * Windowing for table bodies: only the rows in view (plus a few) are in the DOM, with spacer rows
 * standing in for the rest, so 30,000 rows scroll like 30. Rows have a fixed height.
 */
import { Table, Tbody, Thead } from '@patternfly/react-table';
import { memo, useEffect, useRef, useState, type ReactNode } from 'react';
import { visibleWindow } from '../lib/merge';
import { PlainTd, PlainTr } from './PlainCells';

export const ROW_HEIGHT = 40;
/** Used until a size is measured (and in jsdom, which measures nothing). */
const DEFAULT_VIEWPORT = 600;

/**
 * Memo: a page that re-renders for something else (a progress note while pages load) leaves the
 * table alone when its rows, header and row renderer are the same objects; PatternFly's table
 * re-renders every header cell through its context otherwise.
 */
export const VirtualTable = memo(VirtualTableImpl) as typeof VirtualTableImpl;

function VirtualTableImpl<T>({
  rows,
  header,
  columns,
  renderRow,
  ariaLabel,
  height = 'calc(100vh - 380px)',
  testId,
}: {
  rows: readonly T[];
  header: ReactNode;
  columns: number;
  renderRow: (row: T, index: number) => ReactNode;
  ariaLabel: string;
  height?: string;
  testId?: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(DEFAULT_VIEWPORT);
  const frame = useRef<number | undefined>(undefined);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (el.clientHeight > 0) setViewport(el.clientHeight);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(
    () => () => {
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
    },
    [],
  );

  // When filters shrink the list below the scroll position, go back into range.
  useEffect(() => {
    const el = scroller.current;
    const max = Math.max(0, rows.length * ROW_HEIGHT - viewport);
    if (el && el.scrollTop > max) {
      el.scrollTop = max;
      setScrollTop(max);
    }
  }, [rows.length, viewport]);

  const onScroll = () => {
    if (frame.current !== undefined) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = undefined;
      if (scroller.current) setScrollTop(scroller.current.scrollTop);
    });
  };

  const { start, end } = visibleWindow(scrollTop, viewport, ROW_HEIGHT, rows.length);
  const top = start * ROW_HEIGHT;
  const bottom = (rows.length - end) * ROW_HEIGHT;
  const visible: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const row = rows[i];
    if (row !== undefined) visible.push(renderRow(row, i));
  }

  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      style={{ height, minHeight: 320, overflowY: 'auto' }}
      data-testid={testId}
    >
      <Table aria-label={ariaLabel} variant="compact" isStickyHeader aria-rowcount={rows.length + 1}>
        <Thead>{header}</Thead>
        <Tbody>
          {top > 0 && (
            <PlainTr aria-hidden style={{ height: top }}>
              <PlainTd colSpan={columns} style={{ padding: 0, border: 0 }} />
            </PlainTr>
          )}
          {visible}
          {bottom > 0 && (
            <PlainTr aria-hidden style={{ height: bottom }}>
              <PlainTd colSpan={columns} style={{ padding: 0, border: 0 }} />
            </PlainTr>
          )}
        </Tbody>
      </Table>
    </div>
  );
}

export const cellStyle = {
  whiteSpace: 'nowrap',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  maxWidth: 260,
} as const;
