/**
 * How the generator types the JSON Schema of the OpenAPI document: every construct the routes use
 * becomes its TypeScript counterpart, and anything it cannot type stops it with the place.
 */
import { describe, expect, it } from 'vitest';
import { type OpenApiDocument, renderApiTypes, renderSchema, UnsupportedSchemaError } from './api-types.ts';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('renderSchema', () => {
  it('types scalars, enums, nullables and unions', () => {
    expect(renderSchema({ type: 'string' }, '#')).toBe('string');
    expect(renderSchema({ type: 'integer' }, '#')).toBe('number');
    expect(renderSchema({ type: 'string', format: 'binary' }, '#')).toBe('Blob');
    expect(renderSchema({ type: 'string', enum: ['a', "o'k"] }, '#')).toBe("'a' | 'o\\'k'");
    expect(renderSchema({ type: 'string', nullable: true }, '#')).toBe('string | null');
    expect(renderSchema({ type: 'object', nullable: true, enum: [null] }, '#')).toBe('null');
    expect(
      renderSchema({ anyOf: [{ type: 'string' }, { type: 'object', nullable: true, enum: [null] }] }, '#'),
    ).toBe('string | null');
  });

  it('types objects with required and optional fields, open objects and maps', () => {
    expect(
      flat(
        renderSchema(
          {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'string', description: 'the id' }, 'x-y': { type: 'number' } },
          },
          '#',
        ),
      ),
    ).toBe("{ /** the id */ id: string; 'x-y'?: number; }");
    expect(flat(renderSchema({ type: 'object', properties: {}, additionalProperties: true }, '#'))).toBe(
      '{ [key: string]: unknown; }',
    );
    expect(
      flat(renderSchema({ type: 'object', patternProperties: { '^.*$': { type: 'number' } } }, '#')),
    ).toBe('{ [key: string]: number; }');
    expect(renderSchema({ type: 'object', properties: {} }, '#')).toBe('Record<string, never>');
  });

  it('types arrays, and a fixed length as a tuple', () => {
    expect(renderSchema({ type: 'array', items: { type: 'string' } }, '#')).toBe('string[]');
    expect(
      renderSchema({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } }, '#'),
    ).toBe('(string | number)[]');
    expect(renderSchema({ type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } }, '#')).toBe(
      '[number, number, number, number]',
    );
  });

  it('refuses what it cannot type, naming the place', () => {
    expect(() => renderSchema({ $ref: '#/components/schemas/X' }, 'GET /x')).toThrow(UnsupportedSchemaError);
    expect(() => renderSchema({ minimum: 3 }, 'GET /x/properties/a')).toThrow(/GET \/x\/properties\/a/);
    expect(() => renderSchema(undefined, 'GET /y')).toThrow(/GET \/y: no schema/);
  });
});

describe('renderApiTypes', () => {
  const doc: OpenApiDocument = {
    openapi: '3.0.3',
    info: { title: 'T', version: '1' },
    paths: {
      '/api/things/{id}': {
        get: {
          summary: 'One thing',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'full', in: 'query', schema: { type: 'boolean' } },
          ],
          responses: {
            '200': {
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
                },
              },
            },
            '404': {
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
                },
              },
            },
          },
        },
        delete: { responses: { '204': { description: 'No content' } } },
      },
    },
  };

  it('writes paths with params, query, body and responses by status, the shared error body named once', () => {
    const out = flat(renderApiTypes(doc, 'test'));
    expect(out).toContain('export type ErrorBody = { error: string; };');
    expect(out).toContain(
      "'/api/things/{id}': { /** One thing */ get: { params: { id: string; }; query: { full?: boolean; }; body: never; responses: { 200: { id: string; }; 404: ErrorBody; }; };",
    );
    expect(out).toContain(
      'delete: { params: never; query: never; body: never; responses: { 204: undefined; }; };',
    );
    expect(out).toContain('export type ApiResponse<');
  });
});
