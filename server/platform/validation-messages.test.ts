import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { AppError, detailsFor, notFound } from './errors.ts';
import { zhValidationMessage } from './validation-messages.ts';

/** Every Ajv error of one schema and value, with the Chinese sentence for each. */
function errorsOf(schema: object, value: unknown): { keyword: string; en: string; zh: string }[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  expect(validate(value)).toBe(false);
  return (validate.errors as ErrorObject[]).map((e) => ({
    keyword: e.keyword,
    en: e.message ?? '',
    zh: zhValidationMessage(e),
  }));
}

const zhOf = (schema: object, value: unknown) => errorsOf(schema, value).map((e) => e.zh);

describe('Chinese details of validation errors', () => {
  it('says each common rule in Chinese, with its limit or name', () => {
    expect(zhOf({ type: 'object', required: ['name'] }, {})).toEqual(['缺少必填项 name']);
    expect(zhOf({ type: 'integer' }, 'x')).toEqual(['应为整数']);
    expect(zhOf({ type: ['string', 'null'] }, 1)).toEqual(['应为字符串或空值（null）']);
    expect(zhOf({ maximum: 1000 }, 5000)).toEqual(['不能大于 1000']);
    expect(zhOf({ minimum: 0.5 }, 0)).toEqual(['不能小于 0.5']);
    expect(zhOf({ exclusiveMinimum: 0 }, 0)).toEqual(['应大于 0']);
    expect(zhOf({ exclusiveMaximum: 10 }, 10)).toEqual(['应小于 10']);
    expect(zhOf({ minLength: 3 }, 'ab')).toEqual(['不能少于 3 个字符']);
    expect(zhOf({ maxLength: 2 }, 'abc')).toEqual(['不能多于 2 个字符']);
    expect(zhOf({ pattern: '^\\d{6}$' }, 'x')).toEqual(['格式不正确（应匹配 ^\\d{6}$）']);
    expect(zhOf({ format: 'uuid' }, 'x')).toEqual(['应为 UUID']);
    expect(zhOf({ format: 'hostname' }, '-')).toEqual(['格式应为 hostname']);
    expect(zhOf({ enum: ['work_day', 'natural_day'] }, 'x')).toEqual([
      '应为以下取值之一：work_day、natural_day',
    ]);
    expect(zhOf({ enum: Array.from({ length: 20 }, (_, i) => i) }, 99)).toEqual(['应为允许的取值之一']);
    expect(zhOf({ const: 'yes' }, 'no')).toEqual(['应等于 yes']);
    expect(zhOf({ type: 'object', additionalProperties: false }, { bogus: 1 })).toEqual([
      '不允许的属性 bogus',
    ]);
    expect(zhOf({ minItems: 1 }, [])).toEqual(['不能少于 1 项']);
    expect(zhOf({ maxItems: 1 }, [1, 2])).toEqual(['不能多于 1 项']);
    expect(zhOf({ uniqueItems: true }, [1, 2, 1])).toEqual(['不能有重复项（第 0 项与第 2 项相同）']);
    expect(zhOf({ multipleOf: 0.5 }, 0.3)).toEqual(['应为 0.5 的整数倍']);
  });

  it('leaves no English and no keyword unsaid for the rules of a typical body', () => {
    const schema = {
      type: 'object',
      required: ['version', 'reason'],
      additionalProperties: false,
      properties: {
        version: { type: 'integer', minimum: 1 },
        reason: { type: 'string', minLength: 1, maxLength: 10 },
        extension: {
          type: 'object',
          properties: {
            amount: { type: 'number', exclusiveMinimum: 0, maximum: 1000, multipleOf: 0.5 },
            unit: { enum: ['work_hour', 'work_day'] },
          },
        },
        photos: {
          type: 'array',
          maxItems: 2,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[a-f0-9]+$' },
        },
        at: { type: 'string', format: 'date-time' },
      },
    };
    const errors = errorsOf(schema, {
      version: 0,
      extension: { amount: 5000.3, unit: 'hour' },
      photos: ['x', 'x', 'y'],
      at: 'yesterday',
      bogus: true,
    });
    expect(errors.length).toBeGreaterThanOrEqual(9);
    for (const e of errors) {
      expect(e.zh, `${e.keyword}: ${e.en}`).toMatch(/[\u4e00-\u9fff]/);
      expect(e.zh, e.keyword).not.toMatch(/must|allowed|property/i);
    }
  });

  it('names an unknown keyword rather than failing', () => {
    expect(zhValidationMessage({ keyword: 'dependentSchemas', params: {} })).toBe(
      '不符合校验规则（dependentSchemas）',
    );
    expect(zhValidationMessage({ keyword: 'noNul', params: {} })).toBe('不能包含 NUL 字符（U+0000）');
  });
});

describe('details in the caller language', () => {
  it('uses the Chinese details when the error has them, the English ones for English callers', () => {
    const err = new AppError('VALIDATION_FAILED', {
      details: [{ field: 'body.x', message: 'must be <= 1000', rule: 'maximum' }],
      detailsZh: [{ field: 'body.x', message: '不能大于 1000', rule: 'maximum' }],
    });
    expect(detailsFor(err, 'zh')).toEqual([{ field: 'body.x', message: '不能大于 1000', rule: 'maximum' }]);
    expect(detailsFor(err, 'en')).toEqual([{ field: 'body.x', message: 'must be <= 1000', rule: 'maximum' }]);
  });

  it("shows a detail that repeats the error's English sentence in Chinese", () => {
    const err = new AppError('VALIDATION_FAILED', {
      zh: '坐标超出范围',
      en: 'near is out of range',
      details: [{ field: 'query.near', message: 'near is out of range' }],
    });
    expect(detailsFor(err, 'zh')).toEqual([{ field: 'query.near', message: '坐标超出范围' }]);
    expect(detailsFor(err, 'en')).toEqual([{ field: 'query.near', message: 'near is out of range' }]);
  });
});

describe('notFound', () => {
  it('names the record in one language at a time', () => {
    const err = notFound('case', '441b');
    expect([err.zh, err.en]).toEqual(['案件不存在：441b', 'Case not found: 441b']);
    expect(err.status).toBe(404);
    const oneOff = notFound({ zh: '路线', en: 'Route' }, 'r1');
    expect([oneOff.zh, oneOff.en]).toEqual(['路线不存在：r1', 'Route not found: r1']);
  });
});
