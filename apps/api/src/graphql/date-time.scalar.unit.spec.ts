import { GraphQLError } from 'graphql';
import { DateTimeScalar } from './date-time.scalar.js';

describe('DateTime', () => {
  it('answers instants in UTC: the read models’ own form as it is, any other form normalised', () => {
    expect(DateTimeScalar.serialize('2024-11-01T09:30:00.000Z')).toBe('2024-11-01T09:30:00.000Z');
    expect(DateTimeScalar.serialize('2024-11-01T10:30:00+01:00')).toBe('2024-11-01T09:30:00.000Z');
    expect(DateTimeScalar.serialize('2024-11-01T09:30:00Z')).toBe('2024-11-01T09:30:00.000Z');
    expect(DateTimeScalar.serialize(new Date('2024-11-01T09:30:00.000Z'))).toBe('2024-11-01T09:30:00.000Z');
    expect(() => DateTimeScalar.serialize('yesterday')).toThrow(GraphQLError);
    expect(() => DateTimeScalar.serialize('2024-13-01T09:30:00.000Z')).toThrow(GraphQLError);
  });

  it('takes any RFC 3339 offset as input and refuses what is not one', () => {
    expect(DateTimeScalar.parseValue('2024-11-01T10:30:00+01:00')).toBe('2024-11-01T09:30:00.000Z');
    expect(() => DateTimeScalar.parseValue('2024-11-01 09:30')).toThrow(/expected e.g./);
  });
});
