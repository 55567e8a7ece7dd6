import { describe, expect, it } from 'vitest';
import type { TooltipItem } from 'chart.js';
import { numberFormatting } from './Chart';

const item = (y: number, label = 'Hours') => ({ parsed: { x: 0, y }, raw: y, dataset: { label } }) as unknown as TooltipItem<'bar' | 'line'>;

describe('chart numbers as the app writes them', () => {
  it('formats the value axis per locale', () => {
    expect(numberFormatting('az').tick(1500)).toBe('1.500');
    expect(numberFormatting('az').tick(2.5)).toBe('2,5');
    expect(numberFormatting('ru-RU').tick(1500)).toBe('1\u00a0500');
    expect(numberFormatting('ru-RU').tick(2.5)).toBe('2,5');
    expect(numberFormatting('en-GB').tick(1500)).toBe('1,500');
    // Category labels pass through.
    expect(numberFormatting('az').tick('Bakı')).toBe('Bakı');
  });

  it('formats tooltips per locale, on the value axis of a horizontal chart too', () => {
    expect(numberFormatting('az').label(item(1234.5))).toBe('Hours: 1.234,5');
    expect(numberFormatting('ru-RU').label(item(1234.5, ''))).toBe('1\u00a0234,5');
    const horizontal = { parsed: { x: 2000, y: 3 }, raw: 2000, dataset: { label: 'Saat' } } as unknown as TooltipItem<'bar' | 'line'>;
    expect(numberFormatting('az', true).label(horizontal)).toBe('Saat: 2.000');
  });
});
